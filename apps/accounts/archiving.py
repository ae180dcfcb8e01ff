"""Which of accounts' rows the nightly archive may take: email verification codes that expired.

The archive reads a chunk with ``email_verifications_archivable``, writes it somewhere durable, and only then
calls ``email_verifications_archived_delete`` with the chunk's ids. A used code is deleted when it is used, so
only expired ones are ever left for the archive.
"""

from datetime import datetime

from django.db import models, transaction

from apps.accounts.models import EmailVerification

EMAIL_VERIFICATIONS_TABLE = EmailVerification._meta.db_table


def _expired(before: datetime) -> models.QuerySet[EmailVerification]:
    return EmailVerification.objects.filter(expires_at__lt=before)


def email_verifications_archivable(*, before: datetime, limit: int) -> list[dict]:
    """Up to ``limit`` codes that expired before ``before``, lowest id first, every column by name."""
    columns = [f.attname for f in EmailVerification._meta.concrete_fields]
    return list(_expired(before).order_by("pk").values(*columns)[:limit])


@transaction.atomic
def email_verifications_archived_delete(*, before: datetime, ids: list[int]) -> int:
    """Delete the codes of ``ids`` that still qualify for ``before``; returns rows deleted.

    Call only once those rows are safely archived: a row deleted here is gone from the database.
    """
    deleted, _detail = _expired(before).filter(pk__in=ids).delete()
    return deleted

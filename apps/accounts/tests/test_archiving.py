"""Archiving: accounts hands over the email verification codes that expired, and deletes only those."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.archiving import email_verifications_archivable, email_verifications_archived_delete
from apps.accounts.models import EmailVerification
from apps.accounts.services import email_verification_send
from apps.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _code(n: int, *, expired_ago: timedelta | None = None) -> EmailVerification:
    code = email_verification_send(user=UserFactory(email=f"member{n}@trimarket.example"))
    if expired_ago is not None:
        EmailVerification.objects.filter(pk=code.pk).update(expires_at=timezone.now() - expired_ago)
    return code


def test_codes_expired_before_the_cutoff_are_archivable():
    """Expired codes come out lowest id first, in chunks, with every column; a live code stays out."""
    old = [_code(n, expired_ago=timedelta(days=40)) for n in range(3)]
    _code(9)
    before = timezone.now() - timedelta(days=30)

    first = email_verifications_archivable(before=before, limit=2)

    assert [row["id"] for row in first] == [old[0].pk, old[1].pk]
    assert [row["id"] for row in email_verifications_archivable(before=before, limit=100)] == [
        c.pk for c in old
    ]
    assert {"user_id", "email", "code_hash", "sent_at", "expires_at"} <= set(first[0])


def test_the_delete_keeps_codes_that_do_not_qualify():
    """Handed a live code's id too, the delete removes only the expired one."""
    old, live = _code(1, expired_ago=timedelta(days=40)), _code(2)

    deleted = email_verifications_archived_delete(
        before=timezone.now() - timedelta(days=30), ids=[old.pk, live.pk]
    )

    assert deleted == 1
    assert list(EmailVerification.objects.values_list("pk", flat=True)) == [live.pk]

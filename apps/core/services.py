"""Writes of core's own rows: the policy documents staff publish in admin."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from apps.core.models import PolicyDocument
from apps.core.policytext import policy_sanitise


def policy_next_version(*, kind: str) -> int:
    return (PolicyDocument.objects.filter(kind=kind).aggregate(last=Max("version"))["last"] or 0) + 1


@transaction.atomic
def policy_document_create(
    *, kind: str, title: str, body: str, effective_at: datetime, version: int | None = None
) -> PolicyDocument:
    """A new version of ``kind`` (the next number unless given). It is in force from ``effective_at``: at
    once when that has passed, else it is announced until then."""
    document = PolicyDocument(
        kind=kind,
        version=version or policy_next_version(kind=kind),
        title=title,
        body=policy_sanitise(body),
        effective_at=effective_at,
    )
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def policy_document_update(
    *, document: PolicyDocument, title: str, body: str, effective_at: datetime
) -> PolicyDocument:
    """Correct a version announced but not yet in force; one in force keeps the words members agreed to."""
    locked = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    if locked.has_taken_effect:
        raise ValidationError("이미 시행된 문서는 고칠 수 없어요. 새 버전을 만들어 주세요.")
    locked.title, locked.body, locked.effective_at = title, policy_sanitise(body), effective_at
    locked.full_clean()
    locked.save()
    return locked

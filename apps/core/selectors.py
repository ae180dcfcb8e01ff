"""Reads of core's own rows: the policy documents (이용약관, 개인정보처리방침) and their versions."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from apps.core.models import PolicyDocument


def policy_versions(*, kind: str) -> QuerySet[PolicyDocument]:
    """Every version of ``kind``, newest first (including one announced for a later date)."""
    return PolicyDocument.objects.filter(kind=kind).order_by("-version")


def policy_current(*, kind: str) -> PolicyDocument | None:
    """The version in force: the newest whose date has come; None before the first."""
    return (
        PolicyDocument.objects.filter(kind=kind, effective_at__lte=timezone.now())
        .order_by("-effective_at", "-version")
        .first()
    )


def policies_current() -> dict[str, PolicyDocument]:
    """kind → the version in force, for every kind that has one (what signup asks members to agree to)."""
    current = {}
    for kind in PolicyDocument.Kind.values:
        document = policy_current(kind=kind)
        if document is not None:
            current[kind] = document
    return current


def policy_get(*, kind: str, version: int) -> PolicyDocument:
    """One version by its number; 404 for a number that kind never had."""
    try:
        return PolicyDocument.objects.get(kind=kind, version=version)
    except PolicyDocument.DoesNotExist:
        raise Http404("그런 버전의 문서는 없어요.") from None

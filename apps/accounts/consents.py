"""Writes of members' agreements to the policy documents (이용약관, 개인정보처리방침)."""

from collections.abc import Iterable

from django.db import transaction

from apps.accounts.models import PolicyConsent, User
from apps.core.models import PolicyDocument


@transaction.atomic
def policy_consents_record(*, user: User, documents: Iterable[PolicyDocument]) -> list[PolicyConsent]:
    """Record that ``user`` agreed to each of ``documents`` now (a version agreed before is not recorded
    twice)."""
    recorded = []
    for document in documents:
        consent, _created = PolicyConsent.objects.get_or_create(user=user, document=document)
        recorded.append(consent)
    return recorded

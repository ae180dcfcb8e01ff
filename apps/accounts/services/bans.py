"""Platform bans: a member kept out of every live room's chat and off the air, for a time or for good.

Who may ban is the caller's to decide (live's staff moderation); every ban and lift is also logged there with
the report that led to it. A member holds at most one active ban: a new one lifts the old (the latest word
counts, shortening as well as lengthening).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import AccountBan, User
from apps.accounts.selectors import bans_active

REASON_MAX_CHARS = 200


@transaction.atomic
def ban_platform(*, user: User, reason: str, until: datetime | None, actor: User) -> AccountBan:
    """Ban ``user`` until ``until`` (None: for good). Staff cannot be banned; a past ``until`` is refused."""
    reason = " ".join((reason or "").split())[:REASON_MAX_CHARS]
    if not reason:
        raise ValidationError({"reason": "제한 사유를 적어 주세요."})
    if user.is_staff:
        raise ValidationError({"user": "운영자 계정은 이용 제한할 수 없어요."})
    now = timezone.now()
    if until is not None and until <= now:
        raise ValidationError({"until": "제한 기한은 지금 이후여야 해요."})
    # The member's row is the lock: two staff banning at once leave one active ban, not two.
    User.objects.select_for_update().filter(pk=user.pk).first()
    bans_active(user_id=user.pk).update(lifted_at=now, lifted_by=actor)
    ban = AccountBan(user=user, reason=reason, until=until, created_by=actor)
    ban.full_clean()
    ban.save()
    return ban


@transaction.atomic
def ban_lift(*, user: User, actor: User) -> int:
    """Lift the member's active ban (if any); returns how many were lifted."""
    return bans_active(user_id=user.pk).update(lifted_at=timezone.now(), lifted_by=actor)

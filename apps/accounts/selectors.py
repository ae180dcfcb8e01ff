"""Reads about users and their addresses. ``*_get_for_user`` never returns another user's row."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import AccountBan, EmailVerification, ShippingAddress, User


def username_is_taken(*, username: str) -> bool:
    """Login IDs compare case-insensitively, so ``Shopper`` cannot shadow ``shopper``."""
    return User.objects.filter(username__iexact=username.strip()).exists()


def email_is_taken(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exclude(status=User.Status.WITHDRAWN).exists()


def user_pending_with_credentials(*, username: str, password: str) -> User | None:
    """The not-yet-verified account with this ID, only if ``password`` is its password."""
    user = User.objects.filter(username=username, status=User.Status.PENDING).first()
    if user and user.check_password(password):
        return user
    return None


def user_pending_get(*, user_id: int | None) -> User | None:
    if not user_id:
        return None
    return User.objects.filter(pk=user_id, status=User.Status.PENDING).first()


def user_find_by_name_and_email(*, name: str, email: str) -> User | None:
    return User.objects.filter(
        name=name.strip(), email__iexact=email.strip(), status=User.Status.ACTIVE
    ).first()


def user_with_verified_email(*, emails: list[str]) -> User | None:
    """The active account whose verified email is one of ``emails`` (social login links only to these)."""
    emails = [email for email in emails if email]
    if not emails:
        return None
    for email in emails:
        user = (
            get_user_model()
            .objects.filter(email__iexact=email, email_verified_at__isnull=False, status=User.Status.ACTIVE)
            .first()
        )
        if user:
            return user
    return None


def address_list_for_user(*, user: User) -> QuerySet[ShippingAddress]:
    return ShippingAddress.objects.filter(user=user).order_by("-is_default", "-created_at")


def address_get_for_user(*, user: User, address_id: int) -> ShippingAddress:
    """The user's own address; another user's (or a missing) id is a 404, never a peek."""
    address = ShippingAddress.objects.filter(pk=address_id, user=user).select_related("user").first()
    if address is None:
        raise Http404("배송지를 찾을 수 없어요.")
    return address


def email_change_pending(*, user: User) -> EmailVerification | None:
    """An active member's email change waiting for its code (its ``email`` is the new address), or None once
    it expired or was cancelled."""
    if user.status != User.Status.ACTIVE:
        return None
    return EmailVerification.objects.filter(user=user, expires_at__gt=timezone.now()).first()


def bans_active(*, user_id) -> QuerySet[AccountBan]:
    """The member's bans in force now (``user_id`` may be an ``OuterRef``: live checks it inside the one
    query a chat message costs)."""
    return AccountBan.objects.filter(user_id=user_id, lifted_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gt=timezone.now())
    )


def member_ban_active(user) -> AccountBan | None:
    """The ban that keeps ``user`` out of chat and off the air now, the longest first; None when free."""
    if not (user and getattr(user, "pk", None)):
        return None
    bans = list(bans_active(user_id=user.pk))
    if not bans:
        return None
    return max(bans, key=lambda ban: (ban.until is None, ban.until or ban.created_at))


def bans_in_force(*, limit: int = 200) -> list[AccountBan]:
    """Every ban in force now, latest first, with the member and who banned them (the staff's list)."""
    now = timezone.now()
    bans = AccountBan.objects.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gt=now))
    return list(bans.select_related("user", "created_by").order_by("-created_at", "-id")[:limit])


def member_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()

"""Withdrawal: the member's row anonymised (orders point at it), every way back in closed, and
``account.withdrawn`` published so other modules clear what they keep of the member."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import EmailVerification, User
from apps.accounts.services.login import sessions_end, tokens_revoke_all
from apps.core.events import publish

WITHDRAWN_NAME = "탈퇴회원"


@transaction.atomic
def user_withdraw(*, user: User, password: str) -> User:
    """Withdraw the account after checking its password.

    Personal data is anonymised (the row stays: orders point at it), addresses are deleted, every refresh
    token is blacklisted (access tokens die with ``is_active``), every session is deleted after commit, and
    ``account.withdrawn`` is published for the other modules.
    """
    if not user.check_password(password):
        raise ValidationError("비밀번호가 맞지 않아요.", code="password_incorrect")
    User.objects.select_for_update().get(pk=user.pk)
    user_id = user.pk
    user.username = f"withdrawn-{user_id}"
    user.name = WITHDRAWN_NAME
    user.first_name = user.last_name = ""
    user.email = ""
    user.phone = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.is_seller = False
    user.status = User.Status.WITHDRAWN
    user.withdrawn_at = timezone.now()
    user.full_clean()
    user.save()
    user.addresses.all().delete()
    EmailAddress.objects.filter(user=user).delete()
    EmailVerification.objects.filter(user=user).delete()
    tokens_revoke_all(user=user)
    transaction.on_commit(lambda: sessions_end(user_id=user_id))
    publish("account.withdrawn", {"user_id": user_id})
    return user


@transaction.atomic
def user_social_accounts_delete(*, user_id: int) -> int:
    """Unlink every Kakao/Naver account of the user, so that identity can sign up afresh. Idempotent."""
    deleted, _by_model = SocialAccount.objects.filter(user_id=user_id).delete()
    return deleted

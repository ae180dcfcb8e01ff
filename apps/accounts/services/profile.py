"""A member's own details: name and phone, password, and finding a forgotten login ID."""

from django.contrib.auth import password_validation
from django.contrib.sessions.backends.base import SessionBase
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from apps.accounts import selectors
from apps.accounts.models import User
from apps.accounts.services.login import sessions_end, tokens_revoke_all


@transaction.atomic
def user_update_profile(*, user: User, name: str, phone: str) -> User:
    user.name = name
    user.phone = phone
    user.full_clean()
    user.save(update_fields=["name", "phone"])
    return user


@transaction.atomic
def user_change_password(*, user: User, new_password: str, keep_session: SessionBase | None = None) -> User:
    """Set a new password (validated here) and end what the old one opened: every refresh token is
    blacklisted and, after commit, every session but ``keep_session`` (the one that made the change, under
    the key it has by then) is deleted. Access tokens run out within their 15 minutes."""
    password_validation.validate_password(new_password, user)
    return user_set_password(user=user, new_password=new_password, keep_session=keep_session)


@transaction.atomic
def user_set_password(*, user: User, new_password: str, keep_session: SessionBase | None = None) -> User:
    """``user_change_password`` for a password already validated (allauth's reset form does it)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    tokens_revoke_all(user=user)
    user_id = user.pk
    transaction.on_commit(
        lambda: sessions_end(user_id=user_id, keep_session_key=keep_session and keep_session.session_key)
    )
    return user


def mask_username(username: str) -> str:
    """``shopper`` → ``sh****r``: enough to recognise one's own ID, not enough to hand it to a stranger."""
    if len(username) <= 2:
        return username[0] + "*" * (len(username) - 1)
    head = 2 if len(username) > 3 else 1
    tail = 1 if len(username) > 4 else 0
    return username[:head] + "*" * (len(username) - head - tail) + username[len(username) - tail :]


def user_find_id(*, name: str, email: str) -> str | None:
    """Mail the login ID of the active account with this name and email; return it masked (None: no match)."""
    user = selectors.user_find_by_name_and_email(name=name, email=email)
    if user is None:
        return None
    send_mail(
        subject="[TriMarket] 아이디 찾기 결과 안내",
        message=render_to_string("accounts/email/find_id.txt", {"user": user}),
        from_email=None,
        recipient_list=[user.email],
    )
    return mask_username(user.username)

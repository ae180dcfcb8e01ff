"""Email change: a 6-digit code mailed to the NEW address proves it is the member's; only then does the
account's address change (allauth's ``EmailAddress`` with it), and the old address is told.

The pending change lives in ``EmailVerification`` (one live code per user; ``email`` is the new address). An
active member has no signup code, so the row is free for it; the code's hash names its purpose and address,
so it confirms nothing else.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts import selectors
from apps.accounts.models import EmailVerification, User
from apps.accounts.services.codes import EMAIL_CODE_TTL, code_check, code_new, code_resend_wait
from apps.accounts.services.signup import user_mark_email_verified


def _change_hash(*, user_id: int, email: str, code: str) -> str:
    message = f"email-change:{user_id}:{email.lower()}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def mask_email(email: str) -> str:
    """``shopper@example.com`` → ``sh*****@example.com``: the owner recognises it, a reader learns little."""
    local, _, domain = email.partition("@")
    shown = local[:2] if len(local) > 2 else local[:1]
    return f"{shown}{'*' * (len(local) - len(shown))}@{domain}"


def email_change_request(*, user: User, new_email: str, password: str = "") -> EmailVerification:
    """Mail a code to ``new_email`` after checking the password (members who log in with Kakao/Naver have none).

    Raises ValidationError: ``password_incorrect``, ``email_same``, ``email_taken``, ``resend_too_soon`` (one
    code a minute, whatever the address, so the form cannot mail-bomb strangers).
    """
    new_email = new_email.strip().lower()
    if user.has_usable_password() and not user.check_password(password):
        raise ValidationError("비밀번호가 맞지 않아요.", code="password_incorrect")
    if new_email == user.email.lower():
        raise ValidationError("지금 쓰고 있는 이메일이에요. 바꿀 이메일을 입력해 주세요.", code="email_same")
    if selectors.email_is_taken(email=new_email):
        raise ValidationError("이미 가입된 이메일이에요. 다른 이메일을 입력해 주세요.", code="email_taken")
    with transaction.atomic():
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        error = code_resend_wait(EmailVerification.objects.filter(user=user).first())
        if error is None:
            code, now = code_new(), timezone.now()
            verification, _created = EmailVerification.objects.update_or_create(
                user=user,
                defaults={
                    "email": new_email,
                    "code_hash": _change_hash(user_id=user.pk, email=new_email, code=code),
                    "sent_at": now,
                    "expires_at": now + EMAIL_CODE_TTL,
                    "failed_attempts": 0,
                },
            )
            context = {"user": user, "code": code, "minutes": int(EMAIL_CODE_TTL.total_seconds() // 60)}
            transaction.on_commit(
                lambda: send_mail(
                    subject="[TriMarket] 이메일 변경 인증 코드 안내",
                    message=render_to_string("accounts/email/email_change_code.txt", context),
                    from_email=None,
                    recipient_list=[new_email],
                )
            )
            return verification
    raise error


def email_change_confirm(*, user: User, code: str) -> User:
    """Apply the pending change when ``code`` is its live code, and mail the old address a notice.

    Raises ValidationError: ``code_missing``, ``code_invalid``, ``code_expired``, ``code_locked`` (as signup's
    code), ``email_taken`` (someone signed up with the address meanwhile: the change is dropped).
    """
    error = None
    with transaction.atomic():
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        verification = EmailVerification.objects.select_for_update().filter(user=user).first()
        if verification is None or user.status != User.Status.ACTIVE:
            error = ValidationError("인증 코드를 먼저 받아 주세요.", code="code_missing")
        else:
            error = code_check(
                verification=verification,
                code_hash=_change_hash(user_id=user.pk, email=verification.email, code=code.strip()),
            )
        if error is None:
            new_email = verification.email
            verification.delete()
            if selectors.email_is_taken(email=new_email):
                error = ValidationError(
                    "그 사이 다른 회원이 이 이메일로 가입했어요. 다른 이메일로 다시 시도해 주세요.",
                    code="email_taken",
                )
            else:
                _email_apply(user=user, new_email=new_email)
    if error:
        raise error
    return user


def _email_apply(*, user: User, new_email: str) -> None:
    old_email = user.email
    user.email = new_email
    user_mark_email_verified(user=user)
    if not old_email:
        return
    context = {"user": user, "new_email": mask_email(new_email), "changed_at": timezone.localtime()}
    transaction.on_commit(
        lambda: send_mail(
            subject="[TriMarket] 계정 이메일이 변경되었어요",
            message=render_to_string("accounts/email/email_changed_notice.txt", context),
            from_email=None,
            recipient_list=[old_email],
        )
    )


@transaction.atomic
def email_change_cancel(*, user: User) -> None:
    """Kill a pending change's code. The row stays until the next request replaces it: it still holds the
    time the last code was sent, so cancelling does not lift the one-code-a-minute limit."""
    if user.status == User.Status.ACTIVE:
        EmailVerification.objects.filter(user=user).update(code_hash="", expires_at=timezone.now())

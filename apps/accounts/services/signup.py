"""Signup (password and Kakao/Naver) and the email verification code that activates an account."""

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.consents import policy_consents_record
from apps.accounts.models import EmailVerification, User
from apps.accounts.services.addresses import address_create
from apps.accounts.services.codes import (
    EMAIL_CODE_TTL,
    code_check,
    code_new,
    code_resend_wait,
)
from apps.core.models import PolicyDocument


@transaction.atomic
def user_signup(
    *,
    username: str,
    password: str,
    name: str,
    email: str,
    phone: str,
    postcode: str = "",
    road_address: str = "",
    detail_address: str = "",
    policies: Iterable[PolicyDocument] = (),
) -> User:
    """Create an inactive account, record the ``policies`` versions it agreed to, save its address as the
    default, and mail the verification code.

    The account becomes active only through ``email_verification_confirm``.
    """
    user = User(
        username=username,
        name=name,
        email=email,
        phone=phone,
        join_channel=User.JoinChannel.PASSWORD,
        status=User.Status.PENDING,
        is_active=False,
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    policy_consents_record(user=user, documents=policies)
    if postcode or road_address:
        address_create(
            user=user,
            recipient=name,
            phone=phone,
            postcode=postcode,
            road_address=road_address,
            detail_address=detail_address,
        )
    email_verification_send(user=user)
    return user


def _code_hash(*, user_id: int, code: str) -> str:
    message = f"email-verification:{user_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def email_verification_send(*, user: User) -> EmailVerification:
    """Replace the user's code with a fresh 6-digit one and mail it once the transaction commits."""
    code = code_new()
    now = timezone.now()
    verification, _created = EmailVerification.objects.update_or_create(
        user=user,
        defaults={
            "email": user.email,
            "code_hash": _code_hash(user_id=user.pk, code=code),
            "sent_at": now,
            "expires_at": now + EMAIL_CODE_TTL,
            "failed_attempts": 0,
        },
    )
    context = {"user": user, "code": code, "minutes": int(EMAIL_CODE_TTL.total_seconds() // 60)}
    transaction.on_commit(
        lambda: send_mail(
            subject="[TriMarket] 이메일 인증 코드 안내",
            message=render_to_string("accounts/email/verification_code.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    )
    return verification


def email_verification_resend(*, user: User) -> EmailVerification:
    """Mail a new code, at most once per ``EMAIL_CODE_RESEND_INTERVAL``."""
    with transaction.atomic():
        current = EmailVerification.objects.select_for_update().filter(user=user).first()
        error = code_resend_wait(current)
        if error is None:
            return email_verification_send(user=user)
    raise error


def email_verification_confirm(*, user: User, code: str) -> User:
    """Activate the account when ``code`` is its live code.

    Raises ValidationError (``code_invalid``, ``code_expired``, ``code_locked``); a wrong code is counted
    even though the error is raised, and the ``EMAIL_CODE_MAX_ATTEMPTS``-th wrong try locks the code.
    """
    error = None
    with transaction.atomic():
        verification = EmailVerification.objects.select_for_update().filter(user=user).first()
        if verification is None:
            error = ValidationError("인증 코드를 먼저 받아 주세요.", code="code_missing")
        else:
            error = code_check(
                verification=verification, code_hash=_code_hash(user_id=user.pk, code=code.strip())
            )
        if error is None:
            verification.delete()
            user_mark_email_verified(user=user)
    if error:
        raise error
    return user


def pending_signups_expire(*, now: datetime) -> int:
    """Delete password signups still unverified ``ACCOUNTS_PENDING_EXPIRE_DAYS`` after joining, so their login
    ID and email can sign up again; return how many. A pending account never logged in, so nothing else
    refers to it but its own address, code and allauth rows, which go with it."""
    cutoff = now - timedelta(days=settings.ACCOUNTS_PENDING_EXPIRE_DAYS)
    expired = User.objects.filter(status=User.Status.PENDING, date_joined__lt=cutoff)
    count = 0
    for user_id in expired.values_list("pk", flat=True):
        with transaction.atomic():
            # Verified between the listing and now: keep it.
            count += bool(User.objects.filter(pk=user_id, status=User.Status.PENDING).delete()[0])
    return count


@transaction.atomic
def user_mark_email_verified(*, user: User) -> User:
    """Record the user's email as verified (here and in allauth's book) and activate a pending account."""
    user.email_verified_at = timezone.now()
    if user.status == User.Status.PENDING:
        user.status = User.Status.ACTIVE
        user.is_active = True
    user.full_clean()
    user.save()
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def user_social_signup(
    *, request, sociallogin, name: str, email: str, phone: str, verified_emails: set[str]
) -> User:
    """Create the account of a first Kakao/Naver login (allauth's ``SocialLogin``) and link it.

    The email counts as verified only when the provider vouched for that very address.
    """
    user = sociallogin.user
    user.name, user.email, user.phone = name, email.lower(), phone
    user.join_channel = sociallogin.account.provider
    user.status = User.Status.ACTIVE
    user.is_active = True
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    sociallogin.save(request)
    if user.email in verified_emails:
        user_mark_email_verified(user=user)
    return user

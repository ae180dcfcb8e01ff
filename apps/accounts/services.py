"""Every write about users: signup, email verification, login bookkeeping, profile, addresses, withdrawal."""

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from apps.accounts import selectors
from apps.accounts.consents import policy_consents_record
from apps.accounts.models import EmailVerification, ShippingAddress, User
from apps.core.events import publish
from apps.core.models import PolicyDocument
from apps.core.personal import personal_forget
from apps.core.ratelimit import LOGIN_FAILURE, rate_check, rate_clear, rate_count

logger = logging.getLogger(__name__)

EMAIL_CODE_TTL = timedelta(minutes=10)
EMAIL_CODE_MAX_ATTEMPTS = 5
EMAIL_CODE_RESEND_INTERVAL = timedelta(seconds=60)
# A user's session keys are remembered this long so withdrawal can end every one of them.
SESSION_INDEX_TTL_SECONDS = 14 * 24 * 60 * 60
WITHDRAWN_NAME = "탈퇴회원"


# --- Signup and email verification --------------------------------------------------------------------


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
    code = f"{secrets.randbelow(10**6):06d}"
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
        wait = current and (current.sent_at + EMAIL_CODE_RESEND_INTERVAL - timezone.now())
        if not wait or wait.total_seconds() <= 0:
            return email_verification_send(user=user)
    raise ValidationError(
        "인증 코드는 1분에 한 번만 다시 보낼 수 있어요. %(seconds)d초 후에 다시 시도해 주세요.",
        code="resend_too_soon",
        params={"seconds": int(wait.total_seconds()) + 1},
    )


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
        elif verification.failed_attempts >= EMAIL_CODE_MAX_ATTEMPTS:
            error = ValidationError(
                "인증 코드를 5번 잘못 입력해 잠겼어요. 새 코드를 받아 주세요.", code="code_locked"
            )
        elif verification.expires_at <= timezone.now():
            error = ValidationError(
                "인증 코드의 유효 시간(10분)이 지났어요. 새 코드를 받아 주세요.", code="code_expired"
            )
        elif not hmac.compare_digest(verification.code_hash, _code_hash(user_id=user.pk, code=code.strip())):
            verification.failed_attempts += 1
            verification.save(update_fields=["failed_attempts"])
            left = EMAIL_CODE_MAX_ATTEMPTS - verification.failed_attempts
            if left:
                error = ValidationError(
                    "인증 코드가 맞지 않아요. (남은 시도 %(left)d회)",
                    code="code_invalid",
                    params={"left": left},
                )
            else:
                error = ValidationError(
                    "인증 코드를 5번 잘못 입력해 잠겼어요. 새 코드를 받아 주세요.", code="code_locked"
                )
        else:
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


# --- Login throttling and sessions --------------------------------------------------------------------


def login_throttle_check(*, username: str, ip: str) -> None:
    """Refuse a login attempt while the typed ID or the IP has too many recent failures
    (``apps.core.ratelimit.LOGIN_FAILURE``).

    Raises ``apps.core.ratelimit.RateLimited`` (a ValidationError) carrying the seconds to wait. Counting by
    the typed ID (existing or not) keeps the answer the same for IDs that do not exist.
    """
    rate_check(LOGIN_FAILURE, ip=ip, user_key=f"login:{username}")


def login_failure_record(*, username: str, ip: str) -> None:
    """Count one failed login against the typed ID and the IP."""
    rate_count(LOGIN_FAILURE, ip=ip, user_key=f"login:{username}")


def login_failures_clear(*, username: str) -> None:
    """Forget the typed ID's failures after a login that succeeded; the IP's count stays."""
    rate_clear(LOGIN_FAILURE, user_key=f"login:{username}")


def session_remember(*, session: SessionBase, remember: bool) -> None:
    """Keep a "자동 로그인" session ``ACCOUNTS_REMEMBER_ME_TTL`` after the last request, else until the
    browser closes. ``apps.accounts.middleware.SlidingSessionMiddleware`` pushes the expiry forward."""
    session.set_expiry(settings.ACCOUNTS_REMEMBER_ME_TTL if remember else 0)


def _session_index_key(user_id: int) -> str:
    return f"accounts:sessions:{user_id}"


def session_register(*, user_id: int, session_key: str) -> None:
    """Remember that ``session_key`` belongs to the user, so ``sessions_end`` can find it later."""
    keys = [key for key in cache.get(_session_index_key(user_id), []) if key != session_key]
    cache.set(_session_index_key(user_id), [*keys, session_key], timeout=SESSION_INDEX_TTL_SECONDS)


def sessions_end(*, user_id: int, keep_session_key: str | None = None) -> int:
    """Delete every session the user logged in with but ``keep_session_key``; return how many were ended."""
    personal_forget(user_id)  # after a password change or a withdrawal nothing of theirs is kept for pages
    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    keys = [key for key in cache.get(_session_index_key(user_id), []) if key != keep_session_key]
    for key in keys:
        engine(session_key=key).delete()
    if keep_session_key:
        cache.set(_session_index_key(user_id), [keep_session_key], timeout=SESSION_INDEX_TTL_SECONDS)
    else:
        cache.delete(_session_index_key(user_id))
    return len(keys)


# --- Tokens -------------------------------------------------------------------------------------------


def token_pair_issue(*, user: User) -> dict[str, str]:
    """A refresh token (recorded as outstanding, so it can be blacklisted) and its access token."""
    refresh = RefreshToken.for_user(user)
    return {"refresh": str(refresh), "access": str(refresh.access_token)}


@transaction.atomic
def tokens_revoke_all(*, user: User) -> int:
    """Blacklist every refresh token ever issued to the user; return how many were still live."""
    revoked = 0
    for token in OutstandingToken.objects.filter(user=user):
        _blacklisted, created = BlacklistedToken.objects.get_or_create(token=token)
        revoked += created
    return revoked


# --- Profile, password, find ID -----------------------------------------------------------------------


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


# --- Shipping addresses --------------------------------------------------------------------------------


def _lock_user(user: User) -> None:
    User.objects.select_for_update().only("pk").get(pk=user.pk)


@transaction.atomic
def address_create(
    *,
    user: User,
    recipient: str,
    phone: str,
    postcode: str,
    road_address: str,
    detail_address: str = "",
    label: str = "",
    is_default: bool = False,
) -> ShippingAddress:
    """Save an address; the first one, or one marked default, becomes the only default."""
    _lock_user(user)
    is_default = is_default or not user.addresses.exists()
    address = ShippingAddress(
        user=user,
        label=label,
        recipient=recipient,
        phone=phone,
        postcode=postcode,
        road_address=road_address,
        detail_address=detail_address,
        is_default=is_default,
    )
    address.full_clean()
    if is_default:
        user.addresses.filter(is_default=True).update(is_default=False)
    address.save()
    return address


@transaction.atomic
def address_update(*, address: ShippingAddress, is_default: bool = False, **fields: str) -> ShippingAddress:
    """Change an address's fields; ``is_default=True`` makes it the default (unsetting is not allowed:
    choose another address as the default instead)."""
    _lock_user(address.user)
    for field, value in fields.items():
        setattr(address, field, value)
    address.full_clean()
    address.save()
    if is_default and not address.is_default:
        address_set_default(address=address)
    return address


@transaction.atomic
def address_set_default(*, address: ShippingAddress) -> ShippingAddress:
    _lock_user(address.user)
    ShippingAddress.objects.filter(user_id=address.user_id, is_default=True).exclude(pk=address.pk).update(
        is_default=False
    )
    address.is_default = True
    address.save(update_fields=["is_default"])
    return address


@transaction.atomic
def address_delete(*, address: ShippingAddress) -> None:
    """Delete an address; when it was the default, the newest remaining one becomes the default."""
    _lock_user(address.user)
    was_default = address.is_default
    user_id = address.user_id
    address.delete()
    if was_default:
        successor = ShippingAddress.objects.filter(user_id=user_id).order_by("-created_at").first()
        if successor:
            successor.is_default = True
            successor.save(update_fields=["is_default"])


# --- Withdrawal ----------------------------------------------------------------------------------------


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


# --- Demo --------------------------------------------------------------------------------------------


@transaction.atomic
def user_ensure_demo(*, username: str, password: str, name: str = "", **flags: bool) -> User:
    """Create or reset a demo account (verified email, active) so its documented password always works."""
    user, _created = User.objects.get_or_create(
        username=username, defaults={"name": name, "email": f"{username}@trimarket.local"}
    )
    user.name = name or user.name
    user.is_active = True
    user.status = User.Status.ACTIVE
    for flag, value in flags.items():
        setattr(user, flag, value)
    user.set_password(password)
    user.full_clean()
    user.save()
    if not user.is_email_verified:
        user_mark_email_verified(user=user)
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

"""Login bookkeeping: failed-login throttling, the per-user index of sessions, JWT pairs and their revocation."""

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.db import transaction
from django.utils.module_loading import import_string
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from apps.accounts.models import User
from apps.core.personal import personal_forget
from apps.core.ratelimit import LOGIN_FAILURE, rate_check, rate_clear, rate_count

# A user's session keys are remembered this long so withdrawal can end every one of them.
SESSION_INDEX_TTL_SECONDS = 14 * 24 * 60 * 60


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

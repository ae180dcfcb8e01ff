"""Abuse limits: sliding-window counters in the Django cache (Redis with ``REDIS_URL``), per user and per IP.

A limited action names a ``Rate`` and calls ``rate_hit(rate, request=...)`` before doing the work; over the
limit it raises ``RateLimited``, a ``ValidationError`` (so a form shows it like any other error) that also
carries ``retry_after`` in seconds. Pages answer 429 with the form error (``too_many(response, error)`` adds the
status and the ``Retry-After`` header); the API answers 429 JSON through DRF's ``Throttled``.

Counters live in windows aligned to the epoch (``now // seconds``), one key per window, nothing to reset; a
limit weighs the previous window in (``sliding_count``), and the wait is what is left of the current window. Login failures keep their own counter in ``apps.accounts.services``
(only failures count there) and raise the same ``RateLimited``.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

TOO_MANY_REQUESTS = 429


@dataclass(frozen=True)
class Rate:
    """At most ``per_user`` attempts per member (or per typed identifier) and ``per_ip`` per address in
    ``seconds``; 0 turns that side off."""

    name: str
    seconds: int
    per_ip: int
    per_user: int = 0
    message: str = "요청이 너무 많아요. %(wait)s 후에 다시 시도해 주세요."


class RateLimited(ValidationError):
    """Over a limit: a form error with a Korean message, plus ``retry_after`` seconds for the header."""

    def __init__(self, message: str, *, retry_after: int, code: str = "rate_limited") -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message, code=code)


def wait_text(seconds: int) -> str:
    """'45초', '3분', '1시간' — how long to wait, rounded up, in the words a shopper reads."""
    if seconds < 60:
        return f"{seconds}초"
    if seconds < 3600:
        return f"{math.ceil(seconds / 60)}분"
    return f"{math.ceil(seconds / 3600)}시간"


def client_ip(request: HttpRequest) -> str:
    """The peer address. The gateway (docker/nginx) sets REMOTE_ADDR to the client through uvicorn's proxy
    headers; a client-sent X-Forwarded-For is never trusted here."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:24]


def _count(key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def sliding_count(key: str, seconds: int, *, now: float | None = None) -> float:
    """Count one event under ``key`` and return how many fell in the last ``seconds`` (an estimate).

    This window's count plus the previous window's, weighted by how much of it still lies inside the last
    ``seconds``: plain fixed windows would let ``limit`` events through at the end of one window and
    ``limit`` more at the start of the next.
    """
    now = time.time() if now is None else now
    window = int(now // seconds)
    current = _count(f"{key}:{window}", 2 * seconds + 1)
    previous = cache.get(f"{key}:{window - 1}", 0)
    return current + previous * (1 - (now % seconds) / seconds)


def rate_hit(rate: Rate, *, request: HttpRequest | None = None, ip: str = "", user_key: str = "") -> None:
    """Count one attempt for the request's IP and its member (or ``user_key``, e.g. a typed email).

    Raises ``RateLimited`` when this attempt is over either limit; the attempt is counted all the same, so
    hammering does not shorten the wait.
    """
    if request is not None:
        ip = ip or client_ip(request)
        user = getattr(request, "user", None)
        if not user_key and user is not None and user.is_authenticated:
            user_key = f"user:{user.pk}"
    now = time.time()
    window = int(now // rate.seconds)
    retry_after = math.ceil((window + 1) * rate.seconds - now)
    over = False
    checks = [("ip", ip, rate.per_ip), ("user", user_key, rate.per_user)]
    for side, ident, allowed in checks:
        if not ident or not allowed:
            continue
        if sliding_count(f"ratelimit:{rate.name}:{side}:{_digest(ident)}", rate.seconds, now=now) > allowed:
            over = True
    if over:
        raise RateLimited(rate.message % {"wait": wait_text(retry_after)}, retry_after=retry_after)


def too_many(response: HttpResponse, error: RateLimited) -> HttpResponse:
    """Turn a page that shows ``error`` into a 429 with ``Retry-After``."""
    response.status_code = TOO_MANY_REQUESTS
    response["Retry-After"] = str(error.retry_after)
    return response


# --- The site's limits (one place to read them all) ------------------------------------------------------
SIGNUP = Rate(
    name="signup",
    seconds=60 * 60,
    per_ip=10,
    message="가입 시도가 너무 많아요. %(wait)s 후에 다시 시도해 주세요.",
)
VERIFICATION = Rate(
    name="verification",
    seconds=10 * 60,
    per_ip=30,
    per_user=15,
    message="인증 코드 요청이 너무 많아요. %(wait)s 후에 다시 시도해 주세요.",
)
PASSWORD_RESET = Rate(
    name="password-reset",
    seconds=60 * 60,
    per_ip=10,
    per_user=3,
    message="비밀번호 재설정 요청이 너무 많아요. %(wait)s 후에 다시 시도해 주세요.",
)
FIND_ID = Rate(
    name="find-id",
    seconds=60 * 60,
    # Each try tells whether a name and email belong to a member: limited like a password reset, so the
    # page cannot be used to sweep addresses.
    per_ip=10,
    per_user=3,
    message="아이디 찾기 요청이 너무 많아요. %(wait)s 후에 다시 시도해 주세요.",
)
CHECKOUT = Rate(
    name="checkout",
    seconds=60,
    # Generous per address: at a live drop hundreds of shoppers press 결제하기 within seconds, and mobile
    # carriers put many of them behind one address (CGNAT). The per-user limit is the one that bites.
    per_ip=600,
    per_user=10,
    message="주문 요청이 너무 많아요. %(wait)s 후에 다시 시도해 주세요.",
)

"""Abuse limits: sliding-window counters in the Django cache (Redis with ``REDIS_URL``), per user and per IP.

A limited action names a ``Rate`` and calls ``rate_hit(rate, request=...)`` before doing the work; over the
limit it raises ``RateLimited``, a ``ValidationError`` (so a form shows it like any other error) that also
carries ``retry_after`` in seconds. Pages answer 429 with the form error (``too_many(response, error)`` adds the
status and the ``Retry-After`` header); the API answers 429 JSON through DRF's ``Throttled``.

Counters live in windows aligned to the epoch (``now // seconds``), one key per window, nothing to reset; a
limit weighs the previous window in (``sliding_count``), and the wait is what is left of the current window.

This is the site's one limiter. Three ways to use a ``Rate``:
- ``rate_hit``: count this attempt and refuse it when over (signup, checkout, chat, holds);
- ``rate_check`` then ``rate_count``: refuse while already over, count only what failed (login failures);
- ``rate_allow``: a yes/no for hot paths that drop silently instead of refusing (hearts on a live room).
A ``Rate`` with ``local=True`` counts in this process's memory (a per-connection limit needs no Redis round
trip); the others count in the shared cache, so every process sees the same numbers. Limits that staff tune at
run time (the chat's) are built per call with ``Rate.tuned``. Every named rate is at the end of this module.
"""

import dataclasses
import hashlib
import math
import threading
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
    code: str = "rate_limited"
    local: bool = False

    def tuned(self, *, seconds: int | None = None, per_user: int | None = None, per_ip: int | None = None):
        """This rate with limits read at run time (admin → 운영 설정); the name, and so the counters, stay."""
        changes = {"seconds": seconds, "per_user": per_user, "per_ip": per_ip}
        return dataclasses.replace(self, **{k: max(int(v), 1) for k, v in changes.items() if v is not None})


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


class _LocalCounters:
    """The cache's ``add``/``incr``/``get`` for one process, for limits that never leave a connection."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def incr_or_add(self, key: str, timeout: int) -> int:
        now = time.monotonic()
        with self._lock:
            if len(self._counts) > 10_000:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            count, expires = self._counts.get(key, (0, 0.0))
            count = count + 1 if expires > now else 1
            self._counts[key] = (count, now + timeout if count == 1 else expires)
            return count

    def get(self, key: str) -> int:
        count, expires = self._counts.get(key, (0, 0.0))
        return count if expires > time.monotonic() else 0

    def delete_many(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._counts.pop(key, None)


_local = _LocalCounters()


def _count(key: str, timeout: int, *, local: bool = False) -> int:
    if local:
        return _local.incr_or_add(key, timeout)
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def _peek(key: str, *, local: bool = False) -> int:
    return _local.get(key) if local else cache.get(key, 0)


def sliding_count(
    key: str, seconds: int, *, now: float | None = None, local: bool = False, count: bool = True
) -> float:
    """Count one event under ``key`` (unless ``count`` is false) and return how many fell in the last
    ``seconds`` (an estimate).

    This window's count plus the previous window's, weighted by how much of it still lies inside the last
    ``seconds``: plain fixed windows would let ``limit`` events through at the end of one window and
    ``limit`` more at the start of the next.
    """
    now = time.time() if now is None else now
    window = int(now // seconds)
    if count:
        current = _count(f"{key}:{window}", 2 * seconds + 1, local=local)
    else:
        current = _peek(f"{key}:{window}", local=local)
    previous = _peek(f"{key}:{window - 1}", local=local)
    return current + previous * (1 - (now % seconds) / seconds)


def _sides(rate: Rate, *, request: HttpRequest | None, ip: str, user_key: str) -> list[tuple[str, int]]:
    """(counter key, allowed) for each side of ``rate`` that applies to this caller."""
    if request is not None:
        ip = ip or client_ip(request)
        user = getattr(request, "user", None)
        if not user_key and user is not None and user.is_authenticated:
            user_key = f"user:{user.pk}"
    sides = []
    for side, ident, allowed in (("ip", ip, rate.per_ip), ("user", user_key, rate.per_user)):
        if ident and allowed:
            sides.append((f"ratelimit:{rate.name}:{side}:{_digest(ident)}", allowed))
    return sides


def _refusal(rate: Rate, now: float) -> RateLimited:
    retry_after = math.ceil((int(now // rate.seconds) + 1) * rate.seconds - now)
    return RateLimited(
        rate.message % {"wait": wait_text(retry_after)}, retry_after=retry_after, code=rate.code
    )


def rate_hit(rate: Rate, *, request: HttpRequest | None = None, ip: str = "", user_key: str = "") -> None:
    """Count one attempt for the request's IP and its member (or ``user_key``, e.g. a typed email).

    Raises ``RateLimited`` when this attempt is over either limit; the attempt is counted all the same, so
    hammering does not shorten the wait.
    """
    now = time.time()
    over = False
    for key, allowed in _sides(rate, request=request, ip=ip, user_key=user_key):
        if sliding_count(key, rate.seconds, now=now, local=rate.local) > allowed:
            over = True
    if over:
        raise _refusal(rate, now)


def rate_allow(rate: Rate, *, ip: str = "", user_key: str = "") -> bool:
    """``rate_hit`` as a yes/no, for what is dropped quietly when over the limit instead of refused."""
    try:
        rate_hit(rate, ip=ip, user_key=user_key)
    except RateLimited:
        return False
    return True


def rate_check(rate: Rate, *, request: HttpRequest | None = None, ip: str = "", user_key: str = "") -> None:
    """Refuse (``RateLimited``) while either side has already reached its limit; counts nothing.

    With ``rate_count`` after a failure, only failures count (a login that succeeds costs nothing).
    """
    now = time.time()
    for key, allowed in _sides(rate, request=request, ip=ip, user_key=user_key):
        if sliding_count(key, rate.seconds, now=now, local=rate.local, count=False) >= allowed:
            raise _refusal(rate, now)


def rate_count(rate: Rate, *, request: HttpRequest | None = None, ip: str = "", user_key: str = "") -> None:
    """Count one event against both sides without judging it (a failure already answered)."""
    now = time.time()
    for key, _allowed in _sides(rate, request=request, ip=ip, user_key=user_key):
        sliding_count(key, rate.seconds, now=now, local=rate.local)


def rate_clear(rate: Rate, *, user_key: str) -> None:
    """Forget ``user_key``'s count (a login that succeeded clears that ID's failures, not the IP's)."""
    key = f"ratelimit:{rate.name}:user:{_digest(user_key)}"
    window = int(time.time() // rate.seconds)
    keys = [f"{key}:{window}", f"{key}:{window - 1}"]
    if rate.local:
        _local.delete_many(keys)
    else:
        cache.delete_many(keys)


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
LOGIN_FAILURE = Rate(
    name="login-failure",
    seconds=15 * 60,
    # Counted by the typed ID whether or not it exists, so the answer never tells which IDs are members.
    per_ip=20,
    per_user=5,
    message="로그인 시도가 너무 많아요. %(wait)s 후에 다시 시도하거나 비밀번호 찾기를 이용해 주세요.",
    code="login_throttled",
)
CHAT_MESSAGE = Rate(
    name="live-chat",
    # Defaults only: the chat builds it per call with ``tuned`` from CHAT_RATE_LIMIT_COUNT/_SECONDS.
    seconds=10,
    per_ip=0,
    per_user=5,
    message="메시지를 너무 빨리 보내고 있어요. 잠시 후에 다시 보내 주세요.",
    code="rate-limited",
)
LIVE_LIKE = Rate(
    name="live-like",
    seconds=1,
    per_ip=0,
    # Per connection, in the process holding it: hearts beyond this are dropped, not refused.
    per_user=5,
    local=True,
)
LIVE_HOLD = Rate(
    name="live-hold",
    seconds=60,
    # A hold takes stock away from everyone else for minutes: a member may re-press a few times, not loop.
    per_ip=120,
    per_user=10,
    message="구매 요청이 너무 많아요. %(wait)s 후에 다시 시도해 주세요.",
)
LIVE_REPORT = Rate(
    name="live-report",
    seconds=10 * 60,
    # A report costs staff a look: a viewer may flag what they see in a busy room, not flood the queue.
    per_ip=60,
    per_user=10,
    message="신고가 너무 많아요. %(wait)s 후에 다시 신고해 주세요.",
)

"""The PortOne (I'mport) REST API v1 client every payment flow goes through.

It wraps ``iamport.Iamport`` (iamport-rest-client 0.9.0), which on its own sets no timeout and fetches a token
before every call, and adds what a shop needs from a remote PG:

- a ``requests.Session`` with connect/read timeouts (the library calls ``self.requests_session``);
- the access token cached in the Django cache (Redis: shared by every process) until shortly before
  ``expired_at``; a 401 on a call drops it and the call is tried once more with a new one;
- retries with exponential backoff (tenacity) of what may pass: connection errors, timeouts, HTTP 5xx/429;
- a circuit breaker (pybreaker; its state in Redis when ``REDIS_URL`` is set, so all processes see it open)
  that opens after ``PORTONE_BREAKER_FAIL_MAX`` consecutive failed calls and lets one trial call through
  after ``PORTONE_BREAKER_RESET_TIMEOUT`` seconds;
- domain exceptions instead of requests' or the library's: ``PGUnavailable`` (nothing is known: keep the
  order pending and reconcile later), ``PaymentNotFound``, ``PGRefused`` (the PG answered no).

Use the module functions (``payment_fetch``, ``payment_find_by_merchant_uid``, ``payment_prepare``,
``payment_prepared_amount``, ``payment_cancel``); they read the ``PORTONE_*`` settings. Never trust a
webhook or a browser redirect: fetch the payment and compare its status and amount with the order's.
"""

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pybreaker
import requests
import tenacity
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from iamport import Iamport

logger = logging.getLogger(__name__)

# A cached token is dropped this long before PortOne's expired_at, so no call leaves with a dying token.
TOKEN_REFRESH_MARGIN = 60
NOT_FOUND_MESSAGE = "존재하지 않는 결제정보입니다."
TRANSIENT_HTTP_STATUSES = frozenset({429, 500, 502, 503, 504})


# Called with the operation's name before every PG call. Tests register one here to check where the shop
# calls the PG from (never from inside a database transaction); production registers none.
call_observers: list[Callable[[str], None]] = []


class PGError(Exception):
    """Anything that kept a PG call from giving an answer the shop can use."""


class PGUnavailable(PGError):
    """The PG could not be reached or answered with a server error, after retries, or the circuit is open.

    Whether the call took effect is unknown: keep the order as it is and reconcile it later by fetching.
    """


class PaymentNotFound(PGError):
    """The PG knows no such payment (or no amount pre-registered for that merchant_uid)."""


class PGRefused(PGError):
    """The PG answered and said no (``code`` != 0 or a 4xx): a checksum mismatch, an already cancelled payment…"""

    def __init__(self, message: str, *, code: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class PGPayment:
    """A payment as the PG reports it; ``raw`` holds every field of PortOne's Payment object."""

    imp_uid: str
    merchant_uid: str
    status: str  # ready | paid | cancelled | failed
    amount: int
    cancel_amount: int
    currency: str
    name: str
    paid_at: int
    fail_reason: str | None
    cancel_history: list[dict] = field(default_factory=list)
    raw: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_response(cls, data: dict) -> "PGPayment":
        return cls(
            imp_uid=data["imp_uid"],
            merchant_uid=data.get("merchant_uid") or "",
            status=data.get("status") or "",
            amount=round(data.get("amount") or 0),
            cancel_amount=round(data.get("cancel_amount") or 0),
            currency=data.get("currency") or "KRW",
            name=data.get("name") or "",
            paid_at=int(data.get("paid_at") or 0),
            fail_reason=data.get("fail_reason"),
            cancel_history=list(data.get("cancel_history") or []),
            raw=data,
        )

    @property
    def is_paid(self) -> bool:
        return self.status == "paid"

    @property
    def is_vbank_issued(self) -> bool:
        """A 가상계좌 waiting for its deposit (``ready`` with an account number)."""
        return (
            self.status == "ready"
            and self.raw.get("pay_method") == "vbank"
            and bool(self.raw.get("vbank_num"))
        )

    @property
    def vbank_date(self) -> int:
        """The 가상계좌's deposit deadline (unix seconds), 0 when none."""
        return int(self.raw.get("vbank_date") or 0)

    @property
    def refundable(self) -> int:
        """What may still be cancelled: the paid amount less what was already refunded."""
        return self.amount - self.cancel_amount if self.status in ("paid", "cancelled") else 0


class TimeoutSession(requests.Session):
    """A session that gives every request ``timeout`` (connect, read) unless the caller sets one."""

    def __init__(self, timeout: tuple[float, float]):
        super().__init__()
        self.timeout = timeout
        # Retries are ours (tenacity, with backoff and the breaker), not urllib3's silent ones.
        adapter = requests.adapters.HTTPAdapter(max_retries=0, pool_maxsize=20)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def request(self, method, url, *args, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().request(method, url, *args, **kwargs)


class _TransientHTTPError(Exception):
    def __init__(self, status: int, reason: str | None):
        super().__init__(f"HTTP {status} {reason or ''}".strip())
        self.status = status


TRANSIENT_ERRORS = (requests.ConnectionError, requests.Timeout, _TransientHTTPError, requests.JSONDecodeError)


class _IamportClient(Iamport):
    """The library's client with our session and our token: ``get_headers`` asks the gateway's cache."""

    def __init__(self, gateway: "PortOneGateway"):
        super().__init__(gateway.imp_key, gateway.imp_secret, gateway.api_url)
        self.requests_session = gateway.session
        self._gateway = gateway

    def get_headers(self):
        return {"Authorization": self._gateway.access_token()}

    def token_issue(self) -> dict:
        """POST users/getToken; unlike the library's ``_get_token`` this keeps ``now`` and ``expired_at``."""
        response = self.requests_session.post(
            f"{self.imp_url}users/getToken", json={"imp_key": self.imp_key, "imp_secret": self.imp_secret}
        )
        return self.get_response(response)


class PortOneGateway:
    """One configured PortOne client: session, token cache, retries and breaker. See the module docstring."""

    def __init__(
        self,
        *,
        imp_key: str,
        imp_secret: str,
        api_url: str,
        connect_timeout: float = 3.05,
        read_timeout: float = 10.0,
        retry_attempts: int = 3,
        retry_backoff: float = 0.5,
        retry_backoff_max: float = 4.0,
        breaker_fail_max: int = 5,
        breaker_reset_timeout: float = 30.0,
        breaker_storage: pybreaker.CircuitBreakerStorage | None = None,
    ):
        if not api_url.endswith("/"):
            raise ValueError("PORTONE_API_URL must end with '/' (iamport-rest-client appends paths to it)")
        self.imp_key, self.imp_secret, self.api_url = imp_key, imp_secret, api_url
        self.session = TimeoutSession((connect_timeout, read_timeout))
        self.client = _IamportClient(self)
        self.retry_attempts = max(1, retry_attempts)
        self.retry_wait = tenacity.wait_exponential(multiplier=retry_backoff, max=retry_backoff_max)
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=breaker_fail_max,
            reset_timeout=breaker_reset_timeout,
            exclude=[PGRefused, PaymentNotFound],
            state_storage=breaker_storage,
            listeners=[_BreakerLog()],
            name="portone",
        )
        digest = hashlib.sha256(f"{api_url}|{imp_key}".encode()).hexdigest()[:16]
        self.token_cache_key = f"payments:portone-token:{digest}"

    @classmethod
    def from_settings(cls) -> "PortOneGateway":
        return cls(
            imp_key=settings.PORTONE_IMP_KEY,
            imp_secret=settings.PORTONE_IMP_SECRET,
            api_url=settings.PORTONE_API_URL,
            connect_timeout=settings.PORTONE_CONNECT_TIMEOUT,
            read_timeout=settings.PORTONE_READ_TIMEOUT,
            retry_attempts=settings.PORTONE_RETRY_ATTEMPTS,
            retry_backoff=settings.PORTONE_RETRY_BACKOFF,
            retry_backoff_max=settings.PORTONE_RETRY_BACKOFF_MAX,
            breaker_fail_max=settings.PORTONE_BREAKER_FAIL_MAX,
            breaker_reset_timeout=settings.PORTONE_BREAKER_RESET_TIMEOUT,
            breaker_storage=_shared_breaker_storage(settings.PORTONE_API_URL),
        )

    # --- Token ------------------------------------------------------------------------------------------------
    def access_token(self) -> str:
        """The cached token, or a new one cached until ``TOKEN_REFRESH_MARGIN`` s before it expires."""
        token = cache.get(self.token_cache_key)
        if token:
            return token
        try:
            issued = self.client.token_issue()
        except Iamport.HttpError as error:
            if error.code == 401:
                raise PGRefused("PortOne 인증에 실패했습니다 (imp_key/imp_secret 확인).", code=401) from None
            raise
        token = issued["access_token"]
        # The PG's own clock gives the lifetime, so a skewed local clock cannot keep a dead token.
        ttl = int(issued["expired_at"]) - int(issued["now"]) - TOKEN_REFRESH_MARGIN
        if ttl > 0:
            cache.set(self.token_cache_key, token, ttl)
        return token

    def token_forget(self) -> None:
        cache.delete(self.token_cache_key)

    # --- One call: breaker → retries → one attempt ------------------------------------------------------------
    def call(self, operation: str, func, *args, **kwargs) -> Any:
        """Run ``func`` (a method of ``self.client``) as one PG call with every protection."""
        for observer in call_observers:
            observer(operation)
        try:
            return self.breaker.call(self._with_retries, operation, func, *args, **kwargs)
        except pybreaker.CircuitBreakerError as error:
            raise PGUnavailable(f"PG 연결 차단 중 (circuit open): {operation}") from error

    def _with_retries(self, operation: str, func, *args, **kwargs) -> Any:
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retry_attempts),
            wait=self.retry_wait,
            retry=tenacity.retry_if_exception_type(TRANSIENT_ERRORS),
            before_sleep=lambda state: logger.warning(
                "PortOne %s failed (attempt %d): %s; retrying",
                operation,
                state.attempt_number,
                state.outcome.exception(),
            ),
            reraise=True,
        )
        try:
            return retrying(self._attempt, func, *args, **kwargs)
        except TRANSIENT_ERRORS as error:
            raise PGUnavailable(f"PG 응답 없음: {operation} ({error})") from error

    def _attempt(self, func, *args, **kwargs) -> Any:
        try:
            try:
                return func(*args, **kwargs)
            except Iamport.HttpError as error:
                if error.code != 401:
                    raise
                # A token the PG no longer knows (revoked, or the sandbox restarted): once more with a new one.
                self.token_forget()
                return func(*args, **kwargs)
        except Iamport.HttpError as error:
            if error.code in TRANSIENT_HTTP_STATUSES:
                raise _TransientHTTPError(error.code, error.reason) from None
            if error.code == 404:
                raise PaymentNotFound(NOT_FOUND_MESSAGE) from None
            raise PGRefused(f"HTTP {error.code} {error.reason or ''}".strip(), code=error.code) from None
        except Iamport.ResponseError as error:
            if error.message == NOT_FOUND_MESSAGE:
                raise PaymentNotFound(error.message) from None
            raise PGRefused(error.message or "PG가 요청을 거절했습니다.", code=error.code) from None

    # --- Operations -------------------------------------------------------------------------------------------
    def payment_fetch(self, imp_uid: str) -> PGPayment:
        return PGPayment.from_response(self.call("fetch", self.client.find_by_imp_uid, imp_uid))

    def payment_find_by_merchant_uid(self, merchant_uid: str) -> PGPayment:
        return PGPayment.from_response(self.call("find", self.client.find_by_merchant_uid, merchant_uid))

    def payment_prepared_amount(self, merchant_uid: str) -> int | None:
        """The amount pre-registered for ``merchant_uid``, or None when there is none."""
        url = f"{self.api_url}payments/prepare/{merchant_uid}"
        try:
            prepared = self.call("prepare_get", self.client._get, url)
        except PaymentNotFound:
            return None
        return round(prepared["amount"])

    def vbank_revoke(self, imp_uid: str) -> PGPayment:
        """Close a 가상계좌 not yet deposited into (DELETE /vbanks/{imp_uid}): it takes no deposit afterwards."""
        url = f"{self.api_url}vbanks/{imp_uid}"
        return PGPayment.from_response(self.call("vbank_revoke", self.client._delete, url))

    def escrow_logis_register(self, imp_uid: str, delivery: dict) -> dict:
        """Register the delivery of an escrow payment (POST /escrows/logis/{imp_uid}); when the PG already
        has one (409), change it (PUT), so a retried or a later parcel's registration is never refused."""
        url = f"{self.api_url}escrows/logis/{imp_uid}"
        try:
            return self.call("escrow_logis", self.client._post, url, delivery)
        except PGRefused as refused:
            if refused.code != 409:
                raise
        return self.call("escrow_logis_put", self._put, url, delivery)

    def _put(self, url: str, payload: dict) -> dict:
        headers = {**self.client.get_headers(), "Content-Type": "application/json"}
        return self.client.get_response(self.session.put(url, headers=headers, json=payload))

    def payment_prepare(self, merchant_uid: str, amount: int) -> dict:
        """Pre-register ``amount`` for ``merchant_uid`` so the payment window refuses any other amount.

        Idempotent: registering the same amount again (a retry, a reloaded checkout) succeeds; another amount
        for the same merchant_uid raises ``PGRefused``.
        """
        try:
            return self.call("prepare", self.client.prepare, merchant_uid, int(amount))
        except PGRefused:
            if self.payment_prepared_amount(merchant_uid) == int(amount):
                return {"merchant_uid": merchant_uid, "amount": int(amount)}
            raise

    def payment_cancel(
        self,
        *,
        reason: str,
        imp_uid: str | None = None,
        merchant_uid: str | None = None,
        amount: int | None = None,
        checksum: int | None = None,
        refund_account: dict | None = None,
    ) -> PGPayment:
        """Refund ``amount`` (None: all that is left) of a paid payment; returns the payment afterwards.

        A 가상계좌 payment is refunded to the buyer's account: ``refund_account`` {bank, account, holder, tel}
        is sent as refund_bank, refund_account, refund_holder and refund_tel.

        ``checksum`` is the refundable amount the caller believes in; when omitted it is fetched first. It is
        always sent, so a cancel retried after a lost answer can never refund twice: the PG refuses the
        retry, and the payment is fetched to see that the first attempt went through.
        """
        if not (imp_uid or merchant_uid):
            raise ValueError("imp_uid or merchant_uid is required")
        if checksum is None:
            current = (
                self.payment_fetch(imp_uid) if imp_uid else self.payment_find_by_merchant_uid(merchant_uid)
            )
            checksum = current.refundable
        payload: dict[str, Any] = {"checksum": int(checksum)}
        if amount is not None:
            payload["amount"] = int(amount)
        for key in ("holder", "bank", "account", "tel"):
            if (refund_account or {}).get(key):
                payload[f"refund_{key}"] = str(refund_account[key])
        target = {"imp_uid": imp_uid} if imp_uid else {"merchant_uid": merchant_uid}
        attempts = []

        def cancel_once():
            attempts.append(1)
            return self.client.cancel(reason, **target, **payload)

        try:
            return PGPayment.from_response(self.call("cancel", cancel_once))
        except PGRefused:
            if len(attempts) < 2:
                raise
            after = (
                self.payment_fetch(imp_uid) if imp_uid else self.payment_find_by_merchant_uid(merchant_uid)
            )
            expected_left = int(checksum) - (int(amount) if amount is not None else int(checksum))
            if after.refundable == expected_left:
                logger.info(
                    "PortOne cancel of %s went through on an attempt whose answer was lost", after.imp_uid
                )
                return after
            raise


class _BreakerLog(pybreaker.CircuitBreakerListener):
    def state_change(self, cb, old_state, new_state):
        log = logger.error if new_state.name == pybreaker.STATE_OPEN else logger.warning
        log("PortOne circuit %s -> %s", old_state.name if old_state else None, new_state.name)


def _shared_breaker_storage(api_url: str) -> pybreaker.CircuitBreakerStorage | None:
    """With Redis, every process shares one breaker per PG URL; the cache's key prefix keeps test runs apart."""
    if not settings.REDIS_URL:
        return None
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    namespace = f"{prefix}:portone:{hashlib.sha256(api_url.encode()).hexdigest()[:12]}"
    return pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, client, namespace=namespace)


# --- The process's gateway and the functions the other modules call ----------------------------------------
_gateway: PortOneGateway | None = None
_gateway_lock = threading.Lock()


def gateway() -> PortOneGateway:
    """The process's gateway, built from the settings on first use (never at import time)."""
    global _gateway
    with _gateway_lock:
        if _gateway is None:
            _gateway = PortOneGateway.from_settings()
        return _gateway


def gateway_reset() -> None:
    """Forget the process's gateway (settings changed); the next call builds a new one."""
    global _gateway
    with _gateway_lock:
        _gateway = None


@receiver(setting_changed)
def _portone_setting_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("PORTONE_") or setting in ("REDIS_URL", "CACHES"):
        gateway_reset()


def payment_fetch(imp_uid: str) -> PGPayment:
    """The payment ``imp_uid`` as the PG has it. Raises PaymentNotFound, PGUnavailable, PGRefused."""
    return gateway().payment_fetch(imp_uid)


def payment_find_by_merchant_uid(merchant_uid: str) -> PGPayment:
    """The order's paid payment if any, else its latest attempt (reconciliation when no imp_uid came back)."""
    return gateway().payment_find_by_merchant_uid(merchant_uid)


def escrow_logis_register(imp_uid: str, delivery: dict) -> dict:
    return gateway().escrow_logis_register(imp_uid, delivery)


def payment_prepare(merchant_uid: str, amount: int) -> dict:
    return gateway().payment_prepare(merchant_uid, amount)


def vbank_revoke(imp_uid: str) -> PGPayment:
    return gateway().vbank_revoke(imp_uid)


def payment_prepared_amount(merchant_uid: str) -> int | None:
    return gateway().payment_prepared_amount(merchant_uid)


def payment_cancel(
    *,
    reason: str,
    imp_uid: str | None = None,
    merchant_uid: str | None = None,
    amount: int | None = None,
    checksum: int | None = None,
    refund_account: dict | None = None,
) -> PGPayment:
    return gateway().payment_cancel(
        reason=reason,
        imp_uid=imp_uid,
        merchant_uid=merchant_uid,
        amount=amount,
        checksum=checksum,
        refund_account=refund_account,
    )


def webhook_ip_allowed(remote_addr: str) -> bool:
    """Whether a webhook comes from an address PortOne (or, in development, the sandbox) posts from."""
    return remote_addr in settings.PORTONE_WEBHOOK_ALLOWED_IPS

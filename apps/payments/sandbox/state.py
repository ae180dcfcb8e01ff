"""What the PG sandbox remembers: tokens, pre-registered amounts, payments, faults and webhook deliveries.

Every read and write holds one lock, so the threaded server never shows half a payment. With a state file
the prepared amounts and the payments survive a restart (``make run`` keeps its orders in the database too).
"""

import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

# PortOne's message for an unknown payment, word for word.
NOT_FOUND_MESSAGE = "존재하지 않는 결제정보입니다."
# The one card number the window declines, as a real PG's test cards do; any other well-formed number pays.
DECLINED_CARD_NUMBER = "4000000000000002"
DECLINED_MESSAGE = "카드사 승인 거절: 한도 초과 또는 사용할 수 없는 카드입니다."
USER_CANCEL_MESSAGE = "사용자가 결제를 취소하셨습니다."
AMOUNT_MISMATCH_MESSAGE = "사전 등록된 결제 금액과 요청 금액이 일치하지 않습니다."
ALREADY_PAID_MESSAGE = "이미 결제가 완료된 주문번호(merchant_uid)입니다."
VBANK_REFUND_ACCOUNT_MESSAGE = (
    "가상계좌 환불에는 환불계좌 정보(refund_holder, refund_bank, refund_account)가 필요합니다."
)
VBANK_CLOSED_MESSAGE = "입금기한이 지난 가상계좌입니다."
TOKEN_TTL = 30 * 60
# A 가상계좌 without vbank_due stays open this long, and is held by the PG's merchant name.
VBANK_DEFAULT_DUE_SECONDS = 7 * 24 * 60 * 60
VBANK_HOLDER = "(주)트라이마켓"
VBANK_BANKS = {
    "004": "KB국민은행",
    "088": "신한은행",
    "020": "우리은행",
    "081": "하나은행",
    "011": "NH농협은행",
}
EASY_PAY_PROVIDERS = ("kakaopay", "naverpay", "tosspay")
KST = ZoneInfo("Asia/Seoul")
FAULT_MODES = ("none", "error500", "timeout")


class Refused(Exception):
    """A request the PG turns down: answered with ``code`` != 0 (HTTP 200 unless ``http_status`` says else)."""

    def __init__(self, message: str, *, code: int = 1, http_status: int = 200):
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status


class NotFound(Refused):
    def __init__(self):
        super().__init__(NOT_FOUND_MESSAGE, code=-1, http_status=404)


def _amount(value) -> int | float:
    """A JSON amount as PortOne writes it: an integer when it is whole (KRW always is)."""
    number = float(value)
    return int(number) if number.is_integer() else number


@dataclass
class Fault:
    """Makes the next ``count`` API calls fail (``count`` < 0: until cleared)."""

    mode: str = "none"
    count: int = 0
    delay: float = 5.0

    def take(self) -> str:
        if self.mode == "none" or self.count == 0:
            return "none"
        if self.count > 0:
            self.count -= 1
        return self.mode


@dataclass
class Ledger:
    imp_key: str
    imp_secret: str
    state_file: Path | None = None
    token_ttl: int = TOKEN_TTL
    payments: dict[str, dict] = field(default_factory=dict)
    prepared: dict[str, dict] = field(default_factory=dict)
    # Where each payment's webhooks go (its notice_url), kept apart: PortOne's Payment object does not show it.
    notice_urls: dict[str, str] = field(default_factory=dict)
    # Every body POST /payments/cancel received, so tests see what the shop sent (refund account, checksum).
    cancel_requests: list[dict] = field(default_factory=list)
    escrow_logis: dict[str, dict] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    fault: Fault = field(default_factory=Fault)
    webhook_mode: str = "sync"
    webhook_delay: float = 0.5
    webhook_log: list[dict] = field(default_factory=list)
    calls: Counter = field(default_factory=Counter)
    lock: threading.RLock = field(default_factory=threading.RLock)
    # Set to cut every hanging (timeout-fault) reply short, e.g. when the tests reset the sandbox.
    release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.default_token_ttl = self.token_ttl
        if self.state_file and self.state_file.exists():
            saved = json.loads(self.state_file.read_text())
            self.payments, self.prepared = saved.get("payments", {}), saved.get("prepared", {})
            self.notice_urls = saved.get("notice_urls", {})

    def _save(self) -> None:
        if self.state_file:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.state_file.with_suffix(".tmp")
            tmp.write_text(
                json.dumps(
                    {"payments": self.payments, "prepared": self.prepared, "notice_urls": self.notice_urls},
                    ensure_ascii=False,
                )
            )
            tmp.replace(self.state_file)

    def reset(self) -> None:
        """Forget everything (tests call it between cases); hanging replies are let go."""
        with self.lock:
            self.payments.clear()
            self.prepared.clear()
            self.notice_urls.clear()
            self.cancel_requests.clear()
            self.escrow_logis.clear()
            self.tokens.clear()
            self.token_ttl = self.default_token_ttl
            self.fault = Fault()
            self.webhook_mode, self.webhook_delay = "sync", 0.5
            self.webhook_log.clear()
            self.calls.clear()
            self.release.set()
            self.release = threading.Event()
            self._save()

    # --- Faults ----------------------------------------------------------------------------------------------
    def set_fault(self, mode: str, count: int = 1, delay: float = 5.0) -> Fault:
        if mode not in FAULT_MODES:
            raise Refused(f"mode must be one of {', '.join(FAULT_MODES)}")
        with self.lock:
            self.fault = Fault(mode=mode, count=int(count), delay=float(delay))
            return self.fault

    def take_fault(self) -> tuple[str, float, threading.Event]:
        with self.lock:
            return self.fault.take(), self.fault.delay, self.release

    # --- Tokens -----------------------------------------------------------------------------------------------
    def token_issue(self, imp_key: str, imp_secret: str) -> dict:
        """The same token is returned until it expires, as PortOne does."""
        if (imp_key, imp_secret) != (self.imp_key, self.imp_secret):
            raise Refused("imp_key, imp_secret 파라메터가 올바르지 않습니다.", code=-1, http_status=401)
        now = int(time.time())
        with self.lock:
            for token, expires in self.tokens.items():
                if expires > now:
                    return {"access_token": token, "now": now, "expired_at": expires}
            token = secrets.token_hex(20)
            self.tokens = {token: now + self.token_ttl}
            return {"access_token": token, "now": now, "expired_at": now + self.token_ttl}

    def token_valid(self, authorization: str) -> bool:
        token = authorization.removeprefix("Bearer ").strip()
        with self.lock:
            return self.tokens.get(token, 0) > time.time()

    # --- Prepare ----------------------------------------------------------------------------------------------
    def prepare(self, merchant_uid: str, amount, *, update: bool = False) -> dict:
        if not merchant_uid or amount in (None, ""):
            raise Refused("merchant_uid, amount 파라메터는 필수입니다.")
        with self.lock:
            if merchant_uid in self.prepared and not update:
                raise Refused("이미 등록된 merchant_uid입니다.")
            if update and merchant_uid not in self.prepared:
                raise Refused("사전 등록된 결제정보가 존재하지 않습니다.")
            self.prepared[merchant_uid] = {"merchant_uid": merchant_uid, "amount": _amount(amount)}
            self._save()
            return dict(self.prepared[merchant_uid])

    def prepared_get(self, merchant_uid: str) -> dict:
        with self.lock:
            if merchant_uid not in self.prepared:
                raise Refused("사전 등록된 결제정보가 존재하지 않습니다.", code=-1, http_status=404)
            return dict(self.prepared[merchant_uid])

    # --- Payments ---------------------------------------------------------------------------------------------
    def payment_get(self, imp_uid: str) -> dict:
        with self.lock:
            if imp_uid not in self.payments:
                raise NotFound
            return json.loads(json.dumps(self.payments[imp_uid]))

    def payment_find(self, merchant_uid: str) -> dict:
        """The paid payment of the order if there is one, else its latest attempt."""
        with self.lock:
            attempts = [p for p in self.payments.values() if p["merchant_uid"] == merchant_uid]
            if not attempts:
                raise NotFound
            attempts.sort(key=lambda p: (p["status"] in ("paid", "cancelled"), p["started_at"], p["imp_uid"]))
            return json.loads(json.dumps(attempts[-1]))

    def pay(self, params: dict, *, base_url: str, card_number: str, outcome: str) -> dict:
        """Record what the window did: ``outcome`` is "approve" or "user_cancel".

        An approval is refused (the payment is recorded as failed) when the amount differs from the one
        pre-registered for the merchant_uid, or the card is the declining test card. A merchant_uid already
        paid is refused without a record, so nobody is charged twice for one order.
        """
        merchant_uid = params.get("merchant_uid", "")
        amount = _amount(params.get("amount") or 0)
        now = int(time.time())
        with self.lock:
            if any(
                p["merchant_uid"] == merchant_uid and p["status"] == "paid" for p in self.payments.values()
            ):
                raise Refused(ALREADY_PAID_MESSAGE)
            imp_uid = f"imp_{now % 10**6:06d}{secrets.randbelow(10**6):06d}"
            pg_provider = (params.get("pg") or "html5_inicis").split(".")[0]
            pay_method = params.get("pay_method") or "card"
            card = pay_method == "card" and pg_provider not in EASY_PAY_PROVIDERS
            payment = {
                "imp_uid": imp_uid,
                "merchant_uid": merchant_uid,
                "pay_method": pay_method,
                "channel": params.get("channel") or "pc",
                "pg_provider": pg_provider,
                "emb_pg_provider": None,
                "pg_tid": f"SBX{now}{secrets.token_hex(4).upper()}",
                "pg_id": "INIpayTest",
                "escrow": str(params.get("escrow", "")).lower() in ("true", "1"),
                "apply_num": "",
                "bank_code": None,
                "bank_name": None,
                "card_code": "366" if card else None,
                "card_name": "신한카드" if card else None,
                "card_quota": int(params.get("card_quota") or 0),
                "card_number": f"{card_number[:6]}******{card_number[-4:]}" if card and card_number else None,
                "card_type": 0,
                "name": params.get("name") or "",
                "amount": amount,
                "cancel_amount": 0,
                "currency": params.get("currency") or "KRW",
                "buyer_name": params.get("buyer_name") or "",
                "buyer_email": params.get("buyer_email") or "",
                "buyer_tel": params.get("buyer_tel") or "",
                "buyer_addr": params.get("buyer_addr") or "",
                "buyer_postcode": params.get("buyer_postcode") or "",
                "custom_data": params.get("custom_data") or None,
                "user_agent": params.get("user_agent") or "",
                "status": "ready",
                "started_at": now,
                "paid_at": 0,
                "failed_at": 0,
                "cancelled_at": 0,
                "fail_reason": None,
                "cancel_reason": None,
                "receipt_url": f"{base_url}sandbox/receipts/{imp_uid}",
                "cancel_history": [],
                "cancel_receipt_urls": [],
                "cash_receipt_issued": False,
                "customer_uid": None,
                "customer_uid_usage": None,
                "vbank_code": None,
                "vbank_name": None,
                "vbank_num": None,
                "vbank_holder": None,
                "vbank_date": 0,
                "vbank_issued_at": 0,
            }
            prepared = self.prepared.get(merchant_uid)
            if outcome == "user_cancel":
                reason = USER_CANCEL_MESSAGE
            elif prepared is not None and prepared["amount"] != amount:
                reason = AMOUNT_MISMATCH_MESSAGE
            elif card and card_number == DECLINED_CARD_NUMBER:
                reason = DECLINED_MESSAGE
            else:
                reason = None
            if reason:
                payment.update(status="failed", failed_at=now, fail_reason=reason)
            elif pay_method == "vbank":
                # Issued, not paid: the shopper deposits later (``deposit``), before vbank_date.
                bank = params.get("vbank_code") if params.get("vbank_code") in VBANK_BANKS else "004"
                payment.update(
                    vbank_code=bank,
                    vbank_name=VBANK_BANKS[bank],
                    vbank_num=f"{secrets.randbelow(10**4):04d}{secrets.randbelow(10**10):010d}",
                    vbank_holder=VBANK_HOLDER,
                    vbank_date=vbank_due_parse(params.get("vbank_due"), now),
                    vbank_issued_at=now,
                )
            else:
                payment.update(status="paid", paid_at=now, apply_num=f"{secrets.randbelow(10**8):08d}")
            self.payments[imp_uid] = payment
            if params.get("notice_url"):
                self.notice_urls[imp_uid] = params["notice_url"]
            self._save()
            return json.loads(json.dumps(payment))

    def _vbank_waiting(self, imp_uid: str, refusal: str) -> dict:
        """The 가상계좌 payment still waiting for its deposit (``ready``); NotFound or ``refusal`` otherwise.
        Called under ``self.lock``."""
        payment = self.payments.get(imp_uid)
        if payment is None:
            raise NotFound
        if payment["pay_method"] != "vbank" or payment["status"] != "ready":
            raise Refused(refusal)
        return payment

    def deposit(self, imp_uid: str) -> dict:
        """The shopper deposited into the 가상계좌: ready → paid (refused once vbank_date has passed)."""
        with self.lock:
            payment = self._vbank_waiting(imp_uid, "입금 대기 중인 가상계좌가 아닙니다.")
            now = int(time.time())
            if payment["vbank_date"] <= now:
                raise Refused(VBANK_CLOSED_MESSAGE)
            payment.update(status="paid", paid_at=now, apply_num=f"{secrets.randbelow(10**8):08d}")
            self._save()
            return json.loads(json.dumps(payment))

    def vbank_revoke(self, imp_uid: str) -> dict:
        """DELETE /vbanks/{imp_uid}: close a 가상계좌 before its deposit (cancelled; no deposit taken after)."""
        with self.lock:
            payment = self._vbank_waiting(imp_uid, "입금 전 가상계좌만 말소할 수 있습니다.")
            now = int(time.time())
            payment.update(status="cancelled", cancelled_at=now, cancel_reason="가상계좌 말소")
            self._save()
            return json.loads(json.dumps(payment))

    def vbank_expire(self, imp_uid: str) -> dict:
        """The deposit deadline passes now: the account takes no deposit any more (the payment stays ready)."""
        with self.lock:
            payment = self._vbank_waiting(imp_uid, "입금 대기 중인 가상계좌가 아닙니다.")
            payment["vbank_date"] = int(time.time()) - 1
            self._save()
            return json.loads(json.dumps(payment))

    def cancel(self, body: dict) -> dict:
        """Refund all (no amount) or part of a paid payment; ``checksum`` must equal the refundable amount."""
        reason = body.get("reason") or ""
        with self.lock:
            self.cancel_requests.append(dict(body))
            if body.get("imp_uid"):
                payment = self.payments.get(body["imp_uid"])
            elif body.get("merchant_uid"):
                payment = next(
                    (
                        p
                        for p in self.payments.values()
                        if p["merchant_uid"] == body["merchant_uid"] and p["paid_at"]
                    ),
                    None,
                )
            else:
                raise Refused("imp_uid 또는 merchant_uid 파라메터가 필요합니다.")
            if payment is None:
                raise NotFound
            if payment["status"] == "cancelled":
                raise Refused("이미 전액취소된 주문입니다.")
            if payment["status"] != "paid":
                raise Refused("결제완료 상태가 아닌 결제건은 취소할 수 없습니다.")
            refundable = payment["amount"] - payment["cancel_amount"]
            if payment["pay_method"] == "vbank" and not all(
                body.get(key) for key in ("refund_holder", "refund_bank", "refund_account")
            ):
                raise Refused(VBANK_REFUND_ACCOUNT_MESSAGE)
            if body.get("checksum") not in (None, "") and _amount(body["checksum"]) != refundable:
                raise Refused(
                    f"취소 가능 금액(checksum)이 일치하지 않습니다. 현재 취소 가능 금액은 {refundable}원입니다."
                )
            amount = _amount(body["amount"]) if body.get("amount") not in (None, "", 0) else refundable
            if amount <= 0:
                raise Refused("취소할 금액은 0보다 커야 합니다.")
            if amount > refundable:
                raise Refused(f"취소할 금액이 취소 가능 금액({refundable}원)을 초과합니다.")
            now = int(time.time())
            receipt = f"{payment['receipt_url']}?cancel={len(payment['cancel_history']) + 1}"
            payment["cancel_history"].append(
                {
                    "pg_tid": payment["pg_tid"],
                    "amount": amount,
                    "cancelled_at": now,
                    "reason": reason,
                    "receipt_url": receipt,
                    "cancellation_id": f"cnl_{secrets.token_hex(6)}",
                }
            )
            payment["cancel_receipt_urls"].append(receipt)
            payment["cancel_amount"] = _amount(payment["cancel_amount"] + amount)
            payment["cancel_reason"], payment["cancelled_at"] = reason, now
            if payment["cancel_amount"] >= payment["amount"]:
                payment["status"] = "cancelled"
            self._save()
            return json.loads(json.dumps(payment))

    # --- Webhooks ---------------------------------------------------------------------------------------------
    def escrow_logis_register(self, imp_uid: str, body: dict, *, update: bool) -> dict:
        """POST (first registration; 409 once registered) or PUT (a change) /escrows/logis/{imp_uid}: the
        delivery of an escrow payment, as PortOne answers: the logis part echoed with its times."""
        with self.lock:
            payment = self.payments.get(imp_uid)
            if payment is None:
                raise Refused("존재하지 않는 결제정보입니다.", code=1, http_status=404)
            if not payment.get("escrow"):
                raise Refused("에스크로 결제건이 아닙니다.", code=1, http_status=400)
            if update != (imp_uid in self.escrow_logis):
                if update:
                    raise Refused("등록된 배송정보가 없습니다.", code=1, http_status=404)
                raise Refused("이미 배송정보가 등록되어 있습니다.", code=1, http_status=409)
            logis = body.get("logis") or {}
            if not logis.get("company") or not logis.get("invoice"):
                raise Refused("택배사와 송장번호는 필수입니다.", code=1, http_status=400)
            self.escrow_logis[imp_uid] = {
                "sender": body.get("sender") or {},
                "receiver": body.get("receiver") or {},
                "logis": logis,
            }
            return {
                "company": logis["company"],
                "invoice": logis["invoice"],
                "sent_at": int(logis.get("sent_at") or time.time()),
                "applied_at": int(time.time()),
            }

    def escrow_logis_get(self, imp_uid: str) -> dict:
        with self.lock:
            if imp_uid not in self.escrow_logis:
                raise Refused("등록된 배송정보가 없습니다.", code=1, http_status=404)
            return self.escrow_logis[imp_uid]["logis"]

    def set_webhook_mode(self, mode: str, delay: float = 0.5) -> None:
        if mode not in ("sync", "delayed", "off"):
            raise Refused("mode must be one of sync, delayed, off")
        with self.lock:
            self.webhook_mode, self.webhook_delay = mode, float(delay)

    def webhook_logged(self, entry: dict) -> None:
        with self.lock:
            self.webhook_log.append(entry)


def vbank_due_parse(value, now: int) -> int:
    """vbank_due as PortOne takes it (YYYYMMDD[HHmm[ss]] or YYYY-MM-DD[ HH:mm:ss], Korea's time) in unix seconds.

    A date alone closes at its end (23:59:59); none or an unreadable one leaves the account open a week.
    """
    text = "".join(ch for ch in str(value or "") if ch.isdigit())
    formats = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
    if len(text) not in formats:
        return now + VBANK_DEFAULT_DUE_SECONDS
    try:
        due = datetime.strptime(text, formats[len(text)]).replace(tzinfo=KST)
    except ValueError:
        return now + VBANK_DEFAULT_DUE_SECONDS
    if len(text) == 8:
        due = due.replace(hour=23, minute=59, second=59)
    return int(due.timestamp())

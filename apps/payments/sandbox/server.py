"""The PG sandbox's HTTP server: PortOne REST API v1 on the same paths, plus the payment window.

API (base path ``/``, every reply in the ``{code, message, response}`` envelope)::

    POST /users/getToken                 {imp_key, imp_secret} -> {access_token, now, expired_at}
    GET  /payments/{imp_uid}             a Payment; unknown -> code -1, HTTP 404
    GET  /payments/find/{merchant_uid}   the order's paid payment, else its latest attempt
    POST /payments/prepare               {merchant_uid, amount}; PUT changes the amount
    GET  /payments/prepare/{merchant_uid}
    POST /payments/cancel                {imp_uid | merchant_uid, reason, amount?, checksum?, refund_*?}
    DELETE /vbanks/{imp_uid}             close a 가상계좌 before its deposit

The SDK's stand-in (what the shopper's browser loads; the routes are in ``handler``, the pages in ``window``)::

    GET  /sandbox/iamport.js             IMP.init / IMP.request_pay (static/js/iamport-sandbox.js)
    GET  /sandbox/pay?merchant_uid=…&amount=…&name=…&m_redirect_url=…&notice_url=…   the card form
    POST /sandbox/pay                    pays (or fails), sends the webhook, redirects to m_redirect_url
    GET  /sandbox/receipts/{imp_uid}     the receipt page a Payment's receipt_url points to

Drills and tests (JSON)::

    POST /sandbox/faults    {"mode": "error500"|"timeout"|"none", "count": N (-1: until cleared), "delay": s}
    POST /sandbox/webhooks  {"mode": "sync"|"delayed"|"off", "delay": s}; GET lists the deliveries
    POST /sandbox/reset     forget every payment, token, fault and delivery
    POST /sandbox/vbank/deposit  {"imp_uid"}: the shopper deposits into the 가상계좌 (ready → paid, webhook)
    POST /sandbox/vbank/expire   {"imp_uid"}: its deposit deadline passes now (no deposit taken after)
    GET  /sandbox/vbank          the accounts waiting for a deposit, with both buttons (make run's demo)
"""

import html
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from string import Template

from apps.payments.sandbox.handler import Handler, SandboxHTTPServer
from apps.payments.sandbox.state import Ledger
from apps.payments.sandbox.window import WINDOW_PARAMS, window_body, window_kind

logger = logging.getLogger("apps.payments.sandbox")

# The credentials the sandbox accepts unless told others; trimarket/settings/base.py uses the same defaults.
SANDBOX_IMP_KEY = "imp_sandbox_key"
SANDBOX_IMP_SECRET = "imp_sandbox_secret"
PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR.parent.parent.parent / "static"
WEBHOOK_TIMEOUT = 5


class PGSandbox:
    """The sandbox as an object: ``start()`` in a thread (tests) or ``serve_forever()`` (its own process).

    ``url`` is the API base (ends with ``/``) to give ``PORTONE_API_URL``; ``ledger`` is the state, and
    ``inject_fault``, ``set_webhook_mode``, ``reset`` and ``shopper_pay`` drive it from Python.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        imp_key: str = SANDBOX_IMP_KEY,
        imp_secret: str = SANDBOX_IMP_SECRET,
        webhook_urls: tuple[str, ...] = (),
        state_file: Path | None = None,
        static_dir: Path = STATIC_DIR,
        token_ttl: int | None = None,
    ):
        self.ledger = Ledger(imp_key=imp_key, imp_secret=imp_secret, state_file=state_file)
        if token_ttl:
            self.ledger.token_ttl = token_ttl
        self.webhook_urls = tuple(u for u in webhook_urls if u)
        self.static_dir = Path(static_dir)
        self.httpd = SandboxHTTPServer((host, port), Handler)
        self.httpd.sandbox = self
        self.host, self.port = self.httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}/"
        self._thread: threading.Thread | None = None
        self._window = Template((PACKAGE_DIR / "window.html").read_text())

    # --- Running ----------------------------------------------------------------------------------------------
    def start(self) -> "PGSandbox":
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="pg-sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.ledger.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    # --- Drills -----------------------------------------------------------------------------------------------
    def inject_fault(self, mode: str, count: int = 1, delay: float = 5.0) -> None:
        """The next ``count`` API calls answer 500 (``error500``) or only after ``delay`` s (``timeout``)."""
        self.ledger.set_fault(mode, count, delay)

    def set_webhook_mode(self, mode: str, delay: float = 0.5) -> None:
        """``sync``: the webhook lands before the browser is sent back; ``delayed``: ``delay`` s after; ``off``."""
        self.ledger.set_webhook_mode(mode, delay)

    def reset(self) -> None:
        self.ledger.reset()

    def vbank_deposit(self, imp_uid: str) -> dict:
        """The shopper deposits into the 가상계좌 ``imp_uid``: it becomes paid and the webhook says so."""
        payment = self.ledger.deposit(imp_uid)
        self.send_webhooks(payment, self.ledger.notice_urls.get(imp_uid, ""))
        return payment

    def vbank_expire(self, imp_uid: str) -> dict:
        """The 가상계좌's deadline passes now: it takes no deposit any more. PortOne sends no webhook for it."""
        return self.ledger.vbank_expire(imp_uid)

    def render_vbank_page(self) -> str:
        with self.ledger.lock:
            waiting = [
                p
                for p in self.ledger.payments.values()
                if p["pay_method"] == "vbank" and p["status"] == "ready"
            ]
        rows = "".join(
            f"<tr><td>{html.escape(p['merchant_uid'])}</td><td>{html.escape(p['vbank_name'] or '')} "
            f"{html.escape(p['vbank_num'] or '')}</td><td>{p['amount']:,}원</td><td>"
            + "".join(
                f'<form method="post" action="/sandbox/vbank/{action}" style="display:inline">'
                f'<input type="hidden" name="imp_uid" value="{html.escape(p["imp_uid"])}">'
                f'<button type="submit">{label}</button></form> '
                for action, label in (("deposit", "입금하기"), ("expire", "기한 만료"))
            )
            + "</td></tr>"
            for p in waiting
        )
        return VBANK_PAGE.substitute(
            rows=rows or '<tr><td colspan="4">입금을 기다리는 가상계좌가 없어요.</td></tr>'
        )

    @property
    def webhooks(self) -> list[dict]:
        return list(self.ledger.webhook_log)

    # --- The window -------------------------------------------------------------------------------------------
    def window_url(self, **params) -> str:
        """The payment window's address for these request_pay parameters (what IMP.request_pay opens)."""
        return f"{self.url}sandbox/pay?{urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})}"

    def render_window(self, params: dict, *, error: str = "", form: dict | None = None) -> str:
        form = form or {}
        try:
            amount = float(params.get("amount") or 0)
        except ValueError:
            amount = 0
        hidden = "".join(
            f'<input type="hidden" name="{key}" value="{html.escape(str(params.get(key) or ""))}">'
            for key in WINDOW_PARAMS
            if params.get(key)
        )
        amount_text = f"{amount:,.0f}"
        error_html = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
        title, body = window_body(
            params, kind=window_kind(params), amount=amount_text, hidden=hidden, error=error_html, form=form
        )
        return self._window.substitute(
            title=title,
            name=html.escape(params.get("name") or "주문 상품"),
            amount=amount_text,
            amount_raw=html.escape(str(params.get("amount") or "")),
            merchant_uid=html.escape(params.get("merchant_uid") or ""),
            body=body,
        )

    def shopper_pay(
        self, *, card_number: str = "4111-1111-1111-1111", action: str = "pay", **params
    ) -> dict[str, str]:
        """Do what a shopper does in the window (open it, type a card, press 결제하기 or 취소) over HTTP.

        Returns the query the shop's m_redirect_url receives (imp_uid, merchant_uid, imp_success,
        error_msg), without following the redirect.
        """
        params.setdefault("m_redirect_url", "http://shop.invalid/payments/complete/")
        with urllib.request.urlopen(self.window_url(**params), timeout=10) as window:
            assert window.status == 200
        form = {k: v for k, v in params.items() if v is not None}
        form |= {
            "card_number": card_number,
            "expiry": "12/39",
            "pwd_2digit": "12",
            "agree": "1",
            "action": action,
        }
        request = urllib.request.Request(
            f"{self.url}sandbox/pay", data=urllib.parse.urlencode(form).encode(), method="POST"
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(request, timeout=10)
        except urllib.error.HTTPError as response:
            if response.code != 303:
                raise
            location = response.headers["Location"]
        else:
            raise AssertionError("the window did not redirect")
        return {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).items()}

    # --- Webhooks ---------------------------------------------------------------------------------------------
    def send_webhooks(self, payment: dict, notice_url: str) -> None:
        """POST {imp_uid, merchant_uid, status} to the payment's notice_url and the configured URLs."""
        urls = [u for u in (notice_url, *self.webhook_urls) if u]
        mode, delay = self.ledger.webhook_mode, self.ledger.webhook_delay
        if not urls or mode == "off":
            return
        body = {
            "imp_uid": payment["imp_uid"],
            "merchant_uid": payment["merchant_uid"],
            "status": payment["status"],
        }

        def deliver():
            for url in dict.fromkeys(urls):
                self._deliver(url, body)

        if mode == "delayed":
            threading.Timer(delay, deliver).start()
        else:
            deliver()

    def _deliver(self, url: str, body: dict) -> None:
        request = urllib.request.Request(
            url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        entry = {"url": url, "body": body, "at": time.time(), "status": None, "error": None}
        try:
            with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
                entry["status"] = response.status
        except urllib.error.HTTPError as error:
            entry["status"] = error.code
        except OSError as error:
            entry["error"] = str(error)
            logger.warning("webhook to %s failed: %s", url, error)
        self.ledger.webhook_logged(entry)


VBANK_PAGE = Template("""<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>가상계좌 입금 (테스트)</title>
<style>body{font-family:system-ui,sans-serif;max-width:760px;margin:32px auto;padding:0 16px}table{width:100%;
border-collapse:collapse}th,td{padding:8px;border-bottom:1px solid #ddd;text-align:left;font-size:14px}</style>
</head><body><h1>가상계좌 입금 (PG 샌드박스)</h1><p>입금하면 PortOne처럼 웹훅(status paid)이 쇼핑몰로 갑니다.</p>
<table><tr><th>주문번호</th><th>계좌</th><th>금액</th><th></th></tr>$rows</table></body></html>""")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

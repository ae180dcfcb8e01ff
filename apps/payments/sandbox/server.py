"""The PG sandbox's HTTP server: PortOne REST API v1 on the same paths, plus the payment window.

API (base path ``/``, every reply in the ``{code, message, response}`` envelope)::

    POST /users/getToken                 {imp_key, imp_secret} -> {access_token, now, expired_at}
    GET  /payments/{imp_uid}             a Payment; unknown -> code -1, HTTP 404
    GET  /payments/find/{merchant_uid}   the order's paid payment, else its latest attempt
    POST /payments/prepare               {merchant_uid, amount}; PUT changes the amount
    GET  /payments/prepare/{merchant_uid}
    POST /payments/cancel                {imp_uid | merchant_uid, reason, amount?, checksum?}

The SDK's stand-in (what the shopper's browser loads)::

    GET  /sandbox/iamport.js             IMP.init / IMP.request_pay (static/js/iamport-sandbox.js)
    GET  /sandbox/pay?merchant_uid=…&amount=…&name=…&m_redirect_url=…&notice_url=…   the card form
    POST /sandbox/pay                    pays (or fails), sends the webhook, redirects to m_redirect_url
    GET  /sandbox/receipts/{imp_uid}     the receipt page a Payment's receipt_url points to

Drills and tests (JSON)::

    POST /sandbox/faults    {"mode": "error500"|"timeout"|"none", "count": N (-1: until cleared), "delay": s}
    POST /sandbox/webhooks  {"mode": "sync"|"delayed"|"off", "delay": s}; GET lists the deliveries
    POST /sandbox/reset     forget every payment, token, fault and delivery
"""

import html
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template

from apps.payments.sandbox.state import Ledger, Refused

logger = logging.getLogger("apps.payments.sandbox")

# The credentials the sandbox accepts unless told others; trimarket/settings/base.py uses the same defaults.
SANDBOX_IMP_KEY = "imp_sandbox_key"
SANDBOX_IMP_SECRET = "imp_sandbox_secret"
PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR.parent.parent.parent / "static"
# The only files under static/ the sandbox hands out: the SDK stand-in and the Pretendard font.
SERVED_STATIC = ("js/iamport-sandbox.js", "vendor/pretendard/")
WINDOW_PARAMS = (
    "imp_code",
    "pg",
    "pay_method",
    "merchant_uid",
    "name",
    "amount",
    "currency",
    "buyer_email",
    "buyer_name",
    "buyer_tel",
    "buyer_addr",
    "buyer_postcode",
    "custom_data",
    "m_redirect_url",
    "notice_url",
    "channel",
)
WEBHOOK_TIMEOUT = 5
MOBILE_UA = re.compile(r"Mobi|Android|iPhone|iPad", re.I)
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".woff2": "font/woff2",
}


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"
    server_version = "TriMarketPGSandbox/1.0"

    # --- Plumbing ---------------------------------------------------------------------------------------------
    def log_message(self, format, *args):
        logger.debug("%s %s", self.address_string(), format % args)

    @property
    def sandbox(self) -> "PGSandbox":
        return self.server.sandbox

    @property
    def ledger(self) -> Ledger:
        return self.server.sandbox.ledger

    def _body(self) -> dict:
        raw = self.raw_body
        if not raw:
            return {}
        if "json" in (self.headers.get("Content-Type") or ""):
            try:
                data = json.loads(raw)
            except ValueError:
                raise Refused("요청 본문이 올바른 JSON이 아닙니다.", http_status=400) from None
            return data if isinstance(data, dict) else {}
        return {k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()}

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout fault did its job).
            self.close_connection = True

    def _envelope(self, response, *, code: int = 0, message: str | None = None, status: int = 200) -> None:
        body = json.dumps({"code": code, "message": message, "response": response}, ensure_ascii=False)
        self._send(status, body.encode(), "application/json; charset=utf-8")

    def _html(self, page: str, status: int = 200) -> None:
        self._send(status, page.encode(), "text/html; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.SEE_OTHER, b"", "text/plain", {"Location": location})

    def do_GET(self):
        self._dispatch("GET")

    def do_HEAD(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def _dispatch(self, method: str) -> None:
        # Read the whole body first: a keep-alive connection must not carry half of it into the next request.
        length = int(self.headers.get("Content-Length") or 0)
        self.raw_body = self.rfile.read(length) if length else b""
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        self.query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        try:
            if path.startswith("/sandbox/"):
                self._sandbox_route(method, path)
            elif path.startswith(("/users/", "/payments")):
                self._api_route(method, path)
            elif path == "/" and method == "GET":
                self._envelope({"name": "TriMarket PG sandbox", "api": "PortOne REST API v1"})
            else:
                self._envelope(None, code=-1, message="요청하신 API를 찾을 수 없습니다.", status=404)
        except Refused as refused:
            self._envelope(None, code=refused.code, message=refused.message, status=refused.http_status)

    # --- PortOne REST API v1 ----------------------------------------------------------------------------------
    def _api_route(self, method: str, path: str) -> None:
        fault, delay, release = self.ledger.take_fault()
        if fault == "error500":
            self._envelope(None, code=-1, message="PG 샌드박스: 주입된 서버 오류입니다.", status=500)
            return
        body = self._body() if method in ("POST", "PUT") else {}
        name = f"{method} {re.sub(r'^/payments/(?!find/|prepare|cancel)[^/]+$', '/payments/{imp_uid}', path)}"
        self.ledger.calls[name] += 1
        try:
            status, code, message, response = 200, 0, None, self._api(method, path, body)
        except Refused as refused:
            status, code, message, response = refused.http_status, refused.code, refused.message, None
        if fault == "timeout":
            # The work is done but the answer comes too late: the worst case for a client that retries.
            release.wait(delay)
        self._envelope(response, code=code, message=message, status=status)

    def _api(self, method: str, path: str, body: dict):
        if (method, path) == ("POST", "/users/getToken"):
            return self.ledger.token_issue(body.get("imp_key", ""), body.get("imp_secret", ""))
        if not self.ledger.token_valid(self.headers.get("Authorization") or ""):
            raise Refused("Unauthorized", code=-1, http_status=401)
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        match method, parts:
            case "GET", ["payments", "find", merchant_uid]:
                return self.ledger.payment_find(merchant_uid)
            case "POST" | "PUT", ["payments", "prepare"]:
                return self.ledger.prepare(
                    body.get("merchant_uid", ""), body.get("amount"), update=method == "PUT"
                )
            case "GET", ["payments", "prepare", merchant_uid]:
                return self.ledger.prepared_get(merchant_uid)
            case "POST", ["payments", "cancel"]:
                return self.ledger.cancel(body)
            case "GET", ["payments", imp_uid]:
                return self.ledger.payment_get(imp_uid)
        raise Refused("요청하신 API를 찾을 수 없습니다.", code=-1, http_status=404)

    # --- The payment window and the drills --------------------------------------------------------------------
    def _sandbox_route(self, method: str, path: str) -> None:
        if method == "GET" and path == "/sandbox/iamport.js":
            self._static("js/iamport-sandbox.js")
        elif method == "GET" and path.startswith("/sandbox/static/"):
            self._static(path.removeprefix("/sandbox/static/"))
        elif path == "/sandbox/pay" and method == "GET":
            self._html(self.sandbox.render_window(self.query))
        elif path == "/sandbox/pay" and method == "POST":
            self._window_submit(self._body())
        elif method == "GET" and path.startswith("/sandbox/receipts/"):
            self._receipt(urllib.parse.unquote(path.removeprefix("/sandbox/receipts/")))
        elif path == "/sandbox/faults" and method == "POST":
            body = self._body()
            fault = self.ledger.set_fault(
                body.get("mode", "none"), body.get("count", 1), body.get("delay", 5)
            )
            self._envelope(vars(fault))
        elif path == "/sandbox/faults" and method == "GET":
            self._envelope(vars(self.ledger.fault))
        elif path == "/sandbox/webhooks" and method == "POST":
            body = self._body()
            self.ledger.set_webhook_mode(body.get("mode", "sync"), body.get("delay", 0.5))
            self._envelope({"mode": self.ledger.webhook_mode, "delay": self.ledger.webhook_delay})
        elif path == "/sandbox/webhooks" and method == "GET":
            self._envelope(list(self.ledger.webhook_log))
        elif path == "/sandbox/reset" and method == "POST":
            self.ledger.reset()
            self._envelope(True)
        else:
            self._envelope(None, code=-1, message="요청하신 API를 찾을 수 없습니다.", status=404)

    def _static(self, relative: str) -> None:
        root = self.sandbox.static_dir.resolve()
        target = (root / relative).resolve()
        allowed = any(
            target == (root / served).resolve() or target.is_relative_to((root / served).resolve())
            for served in SERVED_STATIC
        )
        if not allowed or not target.is_file():
            self._send(404, b"not found", "text/plain")
            return
        content_type = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        self._send(200, target.read_bytes(), content_type, {"Access-Control-Allow-Origin": "*"})

    def _window_submit(self, form: dict) -> None:
        params = {key: form.get(key, "") for key in WINDOW_PARAMS}
        params["user_agent"] = self.headers.get("User-Agent") or ""
        if not params.get("channel"):
            params["channel"] = "mobile" if MOBILE_UA.search(params["user_agent"]) else "pc"
        card_number = re.sub(r"\D", "", form.get("card_number", ""))
        if form.get("action") == "cancel":
            outcome = "user_cancel"
        else:
            outcome = "approve"
            error = _card_error(card_number, form.get("expiry", ""), form.get("pwd_2digit", ""))
            if error:
                self._html(self.sandbox.render_window(params, error=error, form=form), status=400)
                return
        try:
            payment = self.ledger.pay(
                params, base_url=self.sandbox.url, card_number=card_number, outcome=outcome
            )
        except Refused as refused:
            self._finish(params, None, error_msg=refused.message, error_code="F400")
            return
        if payment["status"] == "paid":
            self.sandbox.send_webhooks(payment, params.get("notice_url", ""))
        self._finish(params, payment, error_msg=payment["fail_reason"], error_code="F400")

    def _finish(self, params: dict, payment: dict | None, *, error_msg: str | None, error_code: str) -> None:
        """Back to the shop: m_redirect_url with the result, or a message to the page that opened the window."""
        success = payment is not None and payment["status"] == "paid"
        result = {
            "imp_uid": payment["imp_uid"] if payment else "",
            "merchant_uid": params["merchant_uid"],
            "imp_success": "true" if success else "false",
        }
        if not success:
            result |= {"error_code": error_code, "error_msg": error_msg or ""}
        redirect = params.get("m_redirect_url", "")
        if redirect:
            self._redirect(redirect + ("&" if "?" in redirect else "?") + urllib.parse.urlencode(result))
            return
        message = {
            "success": success,
            "imp_uid": result["imp_uid"] or None,
            "merchant_uid": params["merchant_uid"],
            "pay_method": payment["pay_method"] if payment else None,
            "paid_amount": payment["amount"] if success else 0,
            "status": payment["status"] if payment else "failed",
            "name": params.get("name"),
            "pg_provider": payment["pg_provider"] if payment else None,
            "pg_tid": payment["pg_tid"] if payment else None,
            "receipt_url": payment["receipt_url"] if payment else None,
            "error_code": None if success else error_code,
            "error_msg": None if success else (error_msg or ""),
        }
        self._html(
            RESULT_PAGE.substitute(
                message=json.dumps({"type": "iamport-sandbox:result", "response": message})
            )
        )

    def _receipt(self, imp_uid: str) -> None:
        payment = self.ledger.payment_get(imp_uid)
        rows = "".join(
            f"<tr><th>{html.escape(label)}</th><td>{html.escape(str(value))}</td></tr>"
            for label, value in (
                ("상품명", payment["name"]),
                ("주문번호", payment["merchant_uid"]),
                ("결제번호", payment["imp_uid"]),
                ("카드", f"{payment['card_name']} {payment['card_number'] or ''}"),
                ("결제금액", f"{payment['amount']:,}원"),
                ("취소금액", f"{payment['cancel_amount']:,}원"),
                ("상태", payment["status"]),
                (
                    "승인일시",
                    time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(payment["paid_at"]))
                    if payment["paid_at"]
                    else "-",
                ),
            )
        )
        self._html(RECEIPT_PAGE.substitute(rows=rows))


def _card_error(card_number: str, expiry: str, pwd: str) -> str | None:
    """What is wrong with the typed card, in the words a PG window uses; None when it can be sent."""
    if not 15 <= len(card_number) <= 16:
        return "카드번호 15~16자리를 정확히 입력해 주세요."
    match = re.fullmatch(r"(\d{2})/?(\d{2})", expiry.strip())
    if not match or not 1 <= int(match[1]) <= 12:
        return "유효기간을 MM/YY 형식으로 입력해 주세요."
    month, year = int(match[1]), 2000 + int(match[2])
    today = time.localtime()
    if (year, month) < (today.tm_year, today.tm_mon):
        return "유효기간이 지난 카드입니다."
    if not re.fullmatch(r"\d{2}", pwd):
        return "카드 비밀번호 앞 2자리를 입력해 주세요."
    return None


RESULT_PAGE = Template("""<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>결제 결과</title></head>
<body><script>
(function () {
  var message = $message;
  var target = window.opener || (window.parent !== window ? window.parent : null);
  if (target) { target.postMessage(message, "*"); }
  if (window.opener) { window.close(); }
})();
</script></body></html>""")

RECEIPT_PAGE = Template("""<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>카드 매출전표</title>
<link rel="stylesheet" href="/sandbox/static/vendor/pretendard/pretendardvariable-dynamic-subset.css">
<style>body{font-family:"Pretendard Variable",Pretendard,"Noto Sans KR",sans-serif;max-width:420px;margin:32px auto;
padding:0 16px;color:#16161a}h1{font-size:20px}table{width:100%;border-collapse:collapse}th,td{padding:10px 0;
border-bottom:1px solid #e6e6ec;text-align:left;font-size:14px}th{color:#6b6b76;font-weight:500;width:35%}</style>
</head><body><h1>카드 매출전표 (테스트)</h1><table>$rows</table></body></html>""")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sandbox: "PGSandbox"


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
        self.httpd = _Server((host, port), _Handler)
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
        return self._window.substitute(
            name=html.escape(params.get("name") or "주문 상품"),
            amount=f"{amount:,.0f}",
            amount_raw=html.escape(str(params.get("amount") or "")),
            merchant_uid=html.escape(params.get("merchant_uid") or ""),
            hidden=hidden,
            error=f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "",
            card_number=html.escape(form.get("card_number", "")),
            expiry=html.escape(form.get("expiry", "")),
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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

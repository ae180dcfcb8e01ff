"""The sandbox's HTTP routes: PortOne REST API v1, the payment window and the drills (see ``server``)."""

import html
import json
import logging
import re
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from apps.payments.sandbox.state import Ledger, Refused
from apps.payments.sandbox.window import (
    MOBILE_UA,
    RECEIPT_PAGE,
    RESULT_PAGE,
    WINDOW_PARAMS,
    card_error,
    window_kind,
)

logger = logging.getLogger("apps.payments.sandbox")

# The only files under static/ the sandbox hands out: the SDK stand-in and the Pretendard font.
SERVED_STATIC = ("js/iamport-sandbox.js", "vendor/pretendard/")
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".woff2": "font/woff2",
}


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The PGSandbox that runs this server; the handler reaches the ledger and the window through it.
    sandbox = None


class Handler(BaseHTTPRequestHandler):
    server: "SandboxHTTPServer"
    protocol_version = "HTTP/1.1"
    server_version = "TriMarketPGSandbox/1.0"

    # --- Plumbing ---------------------------------------------------------------------------------------------
    def log_message(self, format, *args):
        logger.debug("%s %s", self.address_string(), format % args)

    @property
    def sandbox(self):
        """The ``PGSandbox`` that owns this server."""
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

    def do_DELETE(self):
        self._dispatch("DELETE")

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
            elif path.startswith(("/users/", "/payments", "/vbanks/", "/escrows/")):
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
            case "DELETE", ["vbanks", imp_uid]:
                return self.ledger.vbank_revoke(imp_uid)
            case "POST" | "PUT", ["escrows", "logis", imp_uid]:
                return self.ledger.escrow_logis_register(imp_uid, body, update=method == "PUT")
            case "GET", ["escrows", "logis", imp_uid]:
                return self.ledger.escrow_logis_get(imp_uid)
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
        elif path in ("/sandbox/vbank/deposit", "/sandbox/vbank/expire") and method == "POST":
            self._vbank_control(path.rsplit("/", 1)[1], self._body())
        elif path == "/sandbox/vbank" and method == "GET":
            self._html(self.sandbox.render_vbank_page())
        elif path == "/sandbox/reset" and method == "POST":
            self.ledger.reset()
            self._envelope(True)
        else:
            self._envelope(None, code=-1, message="요청하신 API를 찾을 수 없습니다.", status=404)

    def _vbank_control(self, action: str, body: dict) -> None:
        """입금 (the deposit webhook follows) or 기한 만료 of a 가상계좌; a form post goes back to the list."""
        imp_uid = str(body.get("imp_uid") or "")
        payment = (
            self.sandbox.vbank_deposit(imp_uid) if action == "deposit" else self.sandbox.vbank_expire(imp_uid)
        )
        if "json" in (self.headers.get("Content-Type") or ""):
            self._envelope(payment)
        else:
            self._redirect("/sandbox/vbank")

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
        params["vbank_code"] = form.get("vbank_code", "")
        kind = window_kind(params)
        card_number = re.sub(r"\D", "", form.get("card_number", "")) if kind == "card" else ""
        if form.get("action") == "cancel":
            outcome = "user_cancel"
        else:
            outcome = "approve"
            if kind == "naverpay" and not params.get("naverProducts"):
                # PortOne's SDK refuses a 네이버페이 request without the products it shows the buyer.
                self._finish(
                    params,
                    None,
                    error_msg="네이버페이 결제에는 naverProducts가 필요합니다.",
                    error_code="F400",
                )
                return
            error = (
                card_error(card_number, form.get("expiry", ""), form.get("pwd_2digit", ""))
                if kind == "card"
                else None
            )
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
        if payment["status"] in ("paid", "ready"):
            # PortOne notifies a 가상계좌's issue (ready) as it does a payment (paid).
            self.sandbox.send_webhooks(payment, params.get("notice_url", ""))
        self._finish(params, payment, error_msg=payment["fail_reason"], error_code="F400")

    def _finish(self, params: dict, payment: dict | None, *, error_msg: str | None, error_code: str) -> None:
        """Back to the shop: m_redirect_url with the result, or a message to the page that opened the window."""
        success = payment is not None and payment["status"] in ("paid", "ready")
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
            "vbank_num": payment["vbank_num"] if payment else None,
            "vbank_name": payment["vbank_name"] if payment else None,
            "vbank_holder": payment["vbank_holder"] if payment else None,
            "vbank_date": payment["vbank_date"] if payment else None,
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

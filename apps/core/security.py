"""Security headers every response carries: a Content-Security-Policy without inline scripts.

Django 5.2 has no CSP of its own (Referrer-Policy, X-Content-Type-Options and X-Frame-Options come from
SecurityMiddleware and XFrameOptionsMiddleware). The policy is built per request from settings, so a test's
``settings`` fixture and each environment's PG/HLS addresses apply without a restart:

- scripts only from this site, the PG's SDK (``PORTONE_SDK_URL``; the sandbox in development) and Kakao's
  postcode widget; no ``'unsafe-inline'``, no ``eval`` (templates pass data through ``json_script``);
- styles may be inline (``style=""`` attributes, htmx's indicator style);
- video from the HLS server (``HLS_BASE_URL``) and ``blob:`` (hls.js feeds MediaSource), the live room's
  WebSocket on this host;
- frames: the PG window and the postcode widget may be framed *by* us; nobody may frame us.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Kakao's postcode widget: the loader script (static/js/accounts-postcode.js) and the frame it opens.
KAKAO_POSTCODE_SCRIPTS = ("https://t1.kakaocdn.net", "https://t1.daumcdn.net")
KAKAO_POSTCODE_FRAMES = ("https://postcode.map.kakao.com", "https://postcode.map.daum.net")
# PortOne's SDK loads more of itself and frames its window from these hosts (not needed by the sandbox).
PORTONE_HOSTS = ("https://*.iamport.kr", "https://*.portone.io")


def _origin(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _unique(*sources: str) -> str:
    seen: dict[str, None] = {}
    for source in sources:
        if source:
            seen.setdefault(source, None)
    return " ".join(seen)


def content_security_policy(request: HttpRequest) -> str:
    """The CSP header value for this request (see the module docstring for what each directive allows)."""
    pg = _origin(settings.PORTONE_SDK_URL)
    pg_hosts = () if settings.PORTONE_SANDBOX else PORTONE_HOSTS
    hls = _origin(settings.HLS_BASE_URL)
    host = request.get_host()
    extra_script = tuple(getattr(settings, "CSP_EXTRA_SCRIPT_SRC", ()))
    extra_connect = tuple(getattr(settings, "CSP_EXTRA_CONNECT_SRC", ()))
    extra_frame = tuple(getattr(settings, "CSP_EXTRA_FRAME_SRC", ()))
    directives = {
        "default-src": "'self'",
        "script-src": _unique("'self'", pg, *pg_hosts, *KAKAO_POSTCODE_SCRIPTS, *extra_script),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "media-src": _unique("'self'", "blob:", hls),
        "worker-src": "'self' blob:",
        "connect-src": _unique("'self'", f"ws://{host}", f"wss://{host}", hls, pg, *pg_hosts, *extra_connect),
        "frame-src": _unique("'self'", pg, *pg_hosts, *KAKAO_POSTCODE_FRAMES, *extra_frame),
        "frame-ancestors": "'none'",
        "object-src": "'none'",
        "base-uri": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Adds ``Content-Security-Policy`` (unless a view set its own) and ``Permissions-Policy``."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(request)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(self)")
        return response

"""Abuse limits (429 + Retry-After + Korean), CSRF on every form, security headers and upload checks."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from apps.accounts.tests.factories import PASSWORD, PendingUserFactory, UserFactory
from apps.accounts.views import PENDING_USER_SESSION_KEY
from apps.catalog.tests.factories import CategoryFactory, ProductOptionFactory, image_upload
from apps.core import ratelimit
from apps.core.uploads import image_upload_validate
from apps.live.models import Broadcast
from apps.live.tests.factories import SellerFactory
from apps.orders import services as order_services

pytestmark = pytest.mark.django_db

HANGUL = re.compile(r"[가-힣]")
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _assert_limited(response, text: str) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert text in response.content.decode()


# --- Rate limits ----------------------------------------------------------------------------------------


def test_signup_is_limited_per_ip(client):
    """The 11th signup attempt from one address in an hour gets 429, Retry-After and a Korean form error."""
    for _ in range(ratelimit.SIGNUP.per_ip):
        assert client.post("/accounts/signup/", {"username": "x"}).status_code == 200

    _assert_limited(client.post("/accounts/signup/", {"username": "x"}), "가입 시도가 너무 많아요")


def test_verification_code_tries_are_limited_per_account(client):
    """Guessing the 6-digit code (and resending) stops at the per-account limit with 429."""
    user = PendingUserFactory()
    session = client.session
    session[PENDING_USER_SESSION_KEY] = user.pk
    session.save()
    for _ in range(ratelimit.VERIFICATION.per_user):
        assert client.post("/accounts/verify/", {"code": "000000"}).status_code in (200, 302)

    _assert_limited(client.post("/accounts/verify/", {"code": "000000"}), "인증 코드 요청이 너무 많아요")


def test_password_reset_is_limited_per_email(client, mailoutbox):
    """Three reset mails an hour per email; the fourth request gets 429 and no mail."""
    user = UserFactory()
    for _ in range(ratelimit.PASSWORD_RESET.per_user):
        assert client.post("/accounts/password/reset/", {"email": user.email}).status_code == 302
    sent = len(mailoutbox)

    _assert_limited(
        client.post("/accounts/password/reset/", {"email": user.email}), "비밀번호 재설정 요청이 너무 많아요"
    )
    assert len(mailoutbox) == sent


def test_login_failures_answer_429_with_retry_after(client):
    """After 5 wrong passwords for one ID the page answers 429 with the wait, even with the right one."""
    user = UserFactory()
    for _ in range(5):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong-pw-1!"})

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    _assert_limited(response, "로그인 시도가 너무 많아요")
    assert "_auth_user_id" not in client.session


def test_api_token_failures_answer_429_json(client):
    """The token endpoint shares the login throttle: 429 JSON with code, Korean message and Retry-After."""
    user = UserFactory()
    for _ in range(5):
        client.post("/api/auth/token/", {"username": user.username, "password": "wrong"})

    response = client.post("/api/auth/token/", {"username": user.username, "password": PASSWORD})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"
    assert HANGUL.search(response.json()["error"]["message"])


def test_checkout_is_limited_per_member(client):
    """More than 10 checkout submissions a minute by one member get 429 with the Korean message."""
    user = UserFactory()
    option = ProductOptionFactory(stock=10)
    order_services.cart_item_add(user=user, option_id=option.pk)
    client.force_login(user)
    for _ in range(ratelimit.CHECKOUT.per_user):
        assert client.post("/checkout/", {"address": "new"}).status_code != 429

    response = client.post("/checkout/", {"address": "new"})

    _assert_limited(response, "주문 요청이 너무 많아요")


def test_rate_windows_are_per_user_and_per_ip():
    """One member's limit does not touch another's; the IP limit counts everybody behind it."""
    rate = ratelimit.Rate(name="test", seconds=60, per_ip=3, per_user=2)
    ratelimit.rate_hit(rate, ip="10.0.0.1", user_key="user:1")
    ratelimit.rate_hit(rate, ip="10.0.0.1", user_key="user:1")
    with pytest.raises(ratelimit.RateLimited) as limited:
        ratelimit.rate_hit(rate, ip="10.0.0.2", user_key="user:1")
    assert 0 < limited.value.retry_after <= 60
    ratelimit.rate_hit(rate, ip="10.0.0.1", user_key="user:2")  # third from this IP: still allowed
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.rate_hit(rate, ip="10.0.0.1", user_key="user:3")


# --- CSRF -----------------------------------------------------------------------------------------------

# The only views that take a POST without a CSRF token: callers that are not browsers, each with its own
# check (PortOne's addresses, then the PG is asked; the media server's secret in the URL). DRF's views are
# exempt at the Django level and enforce CSRF themselves for session-authenticated requests.
CSRF_EXEMPT = {
    "payments/webhook/",
    "live/media-server/<str:secret>/publish/",
    "live/media-server/<str:secret>/publish-done/",
    "live/media-server/<str:secret>/record-done/",
    "delivery-tracking/<str:secret>/",
}
API_PREFIX = "api/"


def _patterns(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_csrf_exempt_views_are_exactly_the_machine_callbacks():
    """Outside the token-authenticated API, only the machines' callbacks skip CSRF: the PortOne webhook, the
    RTMP callbacks and the parcel-tracking service's (each secret in its URL or verified at its source)."""
    exempt = {
        route
        for route, view in _patterns(get_resolver())
        if getattr(view, "csrf_exempt", False) and not route.startswith(API_PREFIX)
    }
    assert exempt == CSRF_EXEMPT


def test_every_post_form_in_the_templates_carries_the_csrf_token():
    """Each <form method="post"> has {% csrf_token %} before it closes."""
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<form\b[^>]*method=\"post\"[^>]*>", text, flags=re.IGNORECASE):
            body = text[match.end() : text.find("</form>", match.end())]
            if "{% csrf_token %}" not in body:
                missing.append(f"{path.relative_to(TEMPLATES)}:{text[: match.start()].count(chr(10)) + 1}")
    assert not missing, missing


def test_csrf_is_enforced_on_pages(client):
    """A POST without the token is refused (403) on an ordinary page, e.g. the address book."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory())
    assert strict.post("/accounts/me/addresses/new/", {"recipient": "x"}).status_code == 403


# --- Security headers -----------------------------------------------------------------------------------


def _csp(response) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (item.strip() for item in response["Content-Security-Policy"].split(";"))
    }


@pytest.mark.parametrize("path", ["/", "/accounts/signup/", "/live/", "/api/docs/", "/healthz"])
def test_pages_carry_csp_and_the_other_security_headers(client, path):
    """CSP without inline scripts or eval, nobody may frame us, no sniffing, a strict referrer."""
    response = client.get(path)
    csp = _csp(response)

    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_csp_allows_what_the_pages_load(client, settings):
    """Kakao's postcode script and frame, the PG SDK and window, HLS video and the room's WebSocket."""
    settings.HLS_BASE_URL = "https://media.example.com/hls"
    csp = _csp(client.get("/accounts/signup/"))

    assert "https://t1.kakaocdn.net" in csp["script-src"]
    assert "https://postcode.map.kakao.com" in csp["frame-src"]
    sdk_origin = re.match(r"https?://[^/]+", settings.PORTONE_SDK_URL)[0]
    assert sdk_origin in csp["script-src"]
    assert sdk_origin in csp["frame-src"]
    assert "https://media.example.com" in csp["media-src"]
    assert "blob:" in csp["media-src"]
    assert "ws://testserver" in csp["connect-src"]
    assert "https://media.example.com" in csp["connect-src"]


def test_templates_have_no_inline_script_or_event_handler():
    """Scripts come from files (data through json_script), so the CSP can forbid inline ones."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attributes = match.group(1)
            if "src=" not in attributes and "application/json" not in attributes:
                offenders.append(f"{path.relative_to(TEMPLATES)}: inline <script>")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: inline event handler")
    assert not offenders, offenders


# --- Uploads --------------------------------------------------------------------------------------------


def test_an_image_over_the_size_limit_is_refused_in_korean(settings):
    """A picture above UPLOAD_IMAGE_MAX_BYTES is refused with the limit named."""
    settings.UPLOAD_IMAGE_MAX_BYTES = 1024 * 1024
    big = image_upload(size=(3000, 3000))
    big.size = 2 * 1024 * 1024

    with pytest.raises(ValidationError) as error:
        image_upload_validate(big)
    assert "1MB 이하" in error.value.messages[0]


@pytest.mark.parametrize(
    "content", [b"<?php system($_GET['c']); ?>", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b"GIF89a<script>"]
)
def test_a_file_that_is_not_a_whole_image_is_refused(content):
    """Scripts, truncated headers and polyglots are refused whatever their name says."""
    with pytest.raises(ValidationError) as error:
        image_upload_validate(SimpleUploadedFile("photo.png", content, content_type="image/png"))
    assert HANGUL.search(error.value.messages[0])


def test_a_broadcast_cover_that_is_not_an_image_is_refused(client):
    """The studio's cover upload: a fake image gives a form error and no broadcast."""
    seller = SellerFactory()
    client.force_login(seller)
    fake = SimpleUploadedFile("cover.jpg", b"not an image at all", content_type="image/jpeg")

    response = client.post(
        "/live/studio/",
        {
            "title": "라이브",
            "category": CategoryFactory().pk,
            "scheduled_at": "2099-01-01T20:00",
            "cover": fake,
        },
    )

    assert response.status_code == 200
    assert not Broadcast.objects.filter(seller=seller).exists()


def test_a_real_picture_passes():
    """A whole PNG within the limit passes, and the file can still be read after the check."""
    upload = image_upload()
    image_upload_validate(upload)
    assert upload.read(8) == b"\x89PNG\r\n\x1a\n"

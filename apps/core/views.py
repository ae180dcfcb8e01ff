from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found as django_page_not_found

from apps.core import selectors
from apps.core.api import MESSAGES
from apps.core.business import business_info
from apps.core.health import health_report
from apps.core.policytext import policy_html
from apps.core.share import absolute_url


@require_safe
@never_cache
def healthz(request):
    """200 when every part is up, 503 naming the parts that are down."""
    report = health_report()
    return JsonResponse(
        report, status=503 if report["down"] else 200, json_dumps_params={"ensure_ascii": False}
    )


@require_safe
def policy_page(request, kind: str, version: int | None = None):
    """이용약관 or 개인정보처리방침: the version in force, or the one named in the URL (older, or announced)."""
    current = selectors.policy_current(kind=kind)
    document = current if version is None else selectors.policy_get(kind=kind, version=version)
    if document is None:
        raise Http404("아직 게시된 문서가 없어요.")
    return render(
        request,
        "core/policy.html",
        {
            "document": document,
            "current": current,
            "versions": selectors.policy_versions(kind=kind),
            "body": policy_html(document.body, business=business_info()),
        },
    )


# The shop is for crawlers; a member's, a seller's and staff's pages are not (they answer a login page anyway).
ROBOTS_DISALLOW = ("/seller/", "/admin/", "/accounts/", "/checkout/", "/orders/", "/staff/")


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {absolute_url('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    """The address browsers and crawlers ask for before reading any page (static/icons/favicon.ico)."""
    return FileResponse(open(finders.find("icons/favicon.ico"), "rb"), content_type="image/x-icon")


@require_safe
@cache_control(public=True, max_age=3600)
def web_manifest(request):
    """What a phone needs to add the shop to its home screen: name, colours and the brand mark's sizes."""
    manifest = {
        "name": "TriMarket 라이브 쇼핑",
        "short_name": "TriMarket",
        "description": "셀러의 라이브 방송을 보고, 채팅하고, 라이브 특가로 바로 구매하는 라이브 쇼핑.",
        "lang": "ko",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#ffffff",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(
        manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


def page_not_found(request, exception):
    """Django's 404 page, except under /api/ where a client reads the API's one JSON error body (an address
    no route matches, such as ``/api/v1/cart/items/-1/``, answers like a missing object)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": MESSAGES["not_found"]}}, status=404)
    return django_page_not_found(request, exception)

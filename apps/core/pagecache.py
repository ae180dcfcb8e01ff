"""Whole pages cached as HTML for first-time visitors, the bulk of a live shop's traffic.

A visitor with no session and no pending message sees exactly what every other such visitor sees, except
the CSRF token in the page's forms. The page is rendered once with a placeholder where the token goes and
stored; each visitor gets the stored HTML with their own token put in (``get_token`` also sets their CSRF
cookie, as rendering the page would have). Anyone with a session (logged in, a guest cart, a message to
show) gets the page rendered for them, as before.

Callers name the key and drop it when what the page shows changes (see ``apps/catalog/caching.py``);
the TTL bounds what no invalidation covers (a broadcast going live in another module's strip).
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

CSRF_PLACEHOLDER = "__trimarket_csrf_token__"
MESSAGES_COOKIE = "messages"


def page_key(key: str, language: str) -> str:
    return f"page:{key}:{language}"


def page_keys(key: str) -> list[str]:
    """Every language's copy of a cached page, for invalidation."""
    return [page_key(key, code) for code, _name in settings.LANGUAGES]


def _is_first_time_visitor(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and not request.user.is_authenticated
    )


def render_shared(
    request: HttpRequest, *, key: str, template: str, context: Callable[[], dict], seconds: int
) -> HttpResponse:
    """Render ``template`` with ``context()``, from the shared HTML cache when the visitor allows it."""
    if not _is_first_time_visitor(request):
        return render(request, template, context())
    cache_key = page_key(key, translation.get_language())
    html = cache.get(cache_key)
    if html is None:
        html = render_to_string(template, {**context(), "csrf_token": CSRF_PLACEHOLDER}, request)
        cache.set(cache_key, html, seconds)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))

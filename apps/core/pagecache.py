"""Whole pages cached as HTML for first-time visitors, the bulk of a live shop's traffic.

A visitor with no session and no pending message sees exactly what every other such visitor sees, except
the CSRF token in the page's forms. The page is rendered once with a placeholder where the token goes and
stored; each visitor gets the stored HTML with their own token put in (``get_token`` also sets their CSRF
cookie, as rendering the page would have). Anyone with a session (logged in, a guest cart, a message to
show) gets the page rendered for them, with no cache of this module in the way, with one exception:

A logged-in member (not staff) with no pending message gets the page every member shares, stored under its
own key (``MEMBER_VARIANT``): rendered for ``personal.SharedMember`` (logged in, nobody in particular), with
marks where a member's own values go (name, cart badge, hearts), which ``personal.personal_fill`` replaces
per request from the member's cached bag. A page that shows a member something no mark covers (their own
review, a 리뷰 쓰기 for what they bought) passes ``personal_only``, and is rendered for that member alone when
it answers yes. Staff always get pages rendered for them (hidden products, admin-only links).

A shared page has two layers and no more: the HTML in the shared cache (Redis with ``REDIS_URL``), and this
process's copy of what it served, kept ``LOCAL_SECONDS`` (a busy page then costs the shared cache one read a
second per process instead of one per request).

Callers name the key (one module's keys in one place, such as ``apps/catalog/caching.py``) and drop it with
``pages_drop`` when what the page shows changes; the TTL bounds what no drop covers (a broadcast going live
in another module's strip). When the TTL runs out, one request renders the page again while the others keep
getting the page it replaces (for at most ``STALE_SECONDS`` more): an expiry never sends every visitor of a
busy page into the renderer at once. A dropped key has no stale copy: the next visitor gets the page rendered
anew. A drop empties this process's copies at once; other processes see it within ``LOCAL_SECONDS``.

Every page is drawn in the frame (``templates/base.html``), whose footer shows runtime settings (who runs the
shop). The frame has a version (``frame_version``): a stored page remembers the version it was rendered in and
is not served under another, so ``frame_changed`` renders every shared page anew without naming any key, and
``frame_local`` keeps what the frame draws from in this process until the version moves.
"""

import copy
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

from apps.core.personal import SharedMember, personal_bag, personal_fill

CSRF_PLACEHOLDER = "__trimarket_csrf_token__"
MESSAGES_COOKIE = "messages"
# Where the session storage of django.contrib.messages keeps messages not yet shown.
MESSAGES_SESSION_KEY = "_messages"
MEMBER_VARIANT = "member"
# How long after its TTL a page may still be served while one request renders its successor.
STALE_SECONDS = 60
RENDER_LOCK_SECONDS = 10
LOCAL_SECONDS = 1.0
LOCAL_MAX_PAGES = 500

FRAME_VERSION_KEY = "core:frame-version"
# How long this process may keep what the frame draws from when no change reaches it (a missed signal).
FRAME_LOCAL_SECONDS = 60.0

T = TypeVar("T")

# cache key → (kept here until, html, fresh until); read and replaced whole, so threads need no lock.
_local: dict[str, tuple[float, str, float]] = {}
# cache key → (kept here until, value): small shared values that name pages (a listing's version).
_local_values: dict[str, tuple[float, object]] = {}


def local_clear() -> None:
    """Forget this process's copies (after a change: the shared cache's keys are dropped as well)."""
    _local.clear()
    _local_values.clear()


def pages_drop(*keys: str, versions: tuple[str, ...] = ()) -> None:
    """Once the caller's transaction commits: drop the pages under ``keys``, replace the ``versions`` (values
    that name many pages in their keys) and forget this process's copies."""

    def drop() -> None:
        if keys:
            cache.delete_many(list(keys))
        if versions:
            cache.set_many(dict.fromkeys(versions, time.time_ns()), None)
        local_clear()

    transaction.on_commit(drop)


def local_value(key: str, default=None):
    """``cache.get(key, default)``, read from the shared cache at most once per ``LOCAL_SECONDS`` here."""
    now = time.time()
    local = _local_values.get(key)
    if local is None or now >= local[0]:
        local = _local_values[key] = (now + LOCAL_SECONDS, cache.get(key, default))
    return local[1]


def frame_version():
    """The frame's version now (0 until the first change), read from the shared cache once a second here."""
    return local_value(FRAME_VERSION_KEY, 0)


def frame_changed() -> None:
    """Once the caller's transaction commits: what the frame shows changed, so no stored page is served again
    and every process reads the frame's values anew (this one at once, the others within ``LOCAL_SECONDS``)."""
    pages_drop(versions=(FRAME_VERSION_KEY,))


def frame_local(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this process while the frame's version stays (at most ``FRAME_LOCAL_SECONDS``):
    what every page's frame shows costs no shared-cache read per request."""
    version = frame_version()
    now = time.time()
    local = _local_values.get(f"frame:{name}")
    if local is not None and now < local[0] and local[1][0] == version:
        return local[1][1]
    value = compute()
    _local_values[f"frame:{name}"] = (now + FRAME_LOCAL_SECONDS, (version, value))
    return value


def page_key(key: str, language: str) -> str:
    return f"page:{key}:{language}"


def page_keys(key: str) -> list[str]:
    """Every language's copy of a cached page, visitors' and members', for invalidation."""
    return [
        variant
        for code, _name in settings.LANGUAGES
        for variant in (page_key(key, code), f"{page_key(key, code)}:{MEMBER_VARIANT}")
    ]


def _is_first_time_visitor(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and not request.user.is_authenticated
    )


def _is_sharing_member(request: HttpRequest) -> bool:
    user = request.user
    return (
        request.method == "GET"
        and not request.GET
        and user.is_authenticated
        and not user.is_staff
        and MESSAGES_COOKIE not in request.COOKIES
        and MESSAGES_SESSION_KEY not in request.session
    )


def render_shared(
    request: HttpRequest,
    *,
    key: str,
    template: str,
    context: Callable[[HttpRequest], dict],
    seconds: int,
    personal_only: Callable[[dict], bool] | None = None,
) -> HttpResponse:
    """Render ``template`` with ``context(request)``, from the shared HTML cache when the visitor allows it.

    ``context`` is given the request the page is rendered for, which for the members' shared page is not the
    member's: what it reads of the user must be read from that argument, never from the view's own request.

    ``personal_only(bag)``: whether this page shows the member with that bag something of their own that no
    mark covers (then it is rendered for them alone)."""
    # Outside LocaleMiddleware the active language is LANGUAGE_CODE ("ko-kr"), which ``page_keys`` (and so
    # every drop) does not name: the key always takes the supported variant.
    if _is_first_time_visitor(request):
        cache_key = page_key(key, translation.get_supported_language_variant(translation.get_language()))
        html = _shared_html(lambda: request, cache_key, template, context, seconds)
    elif _is_sharing_member(request) and not (personal_only and personal_only(personal_bag(request))):
        cache_key = page_key(key, translation.get_supported_language_variant(translation.get_language()))
        html = personal_fill(
            _shared_html(
                lambda: _as_shared_member(request),
                f"{cache_key}:{MEMBER_VARIANT}",
                template,
                context,
                seconds,
            ),
            request,
        )
    else:
        return render(request, template, context(request))
    # A page with no token in it (nothing on it posts) costs the visitor no new one.
    if CSRF_PLACEHOLDER not in html:
        return HttpResponse(html)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def _as_shared_member(request: HttpRequest) -> HttpRequest:
    """The request as the page every member shares is rendered for: the same URL and headers, and a user who
    is logged in and nobody in particular (see ``personal.SharedMember``)."""
    shared = copy.copy(request)
    shared.user = SharedMember()
    return shared


def _shared_html(
    render_as: Callable[[], HttpRequest],
    cache_key: str,
    template: str,
    context: Callable[[HttpRequest], dict],
    seconds: int,
) -> str:
    """The stored page under ``cache_key``, rendered (for ``render_as()``, the request it is drawn for) when
    there is none to serve."""
    now = time.time()
    local = _local.get(cache_key)
    if local is not None and now < local[0] and now < local[2]:
        html = local[1]
    else:
        stored = cache.get(cache_key)
        if stored is not None and stored[2:] != (frame_version(),):
            stored = None  # rendered in another frame: a runtime setting the footer shows has changed since
        if stored is None:
            html, fresh_until = _render_and_store(render_as(), cache_key, template, context, seconds)
        else:
            html, fresh_until, _frame = stored
            # Stale: whoever takes the lock renders; everyone else is served the stale page meanwhile.
            if now >= fresh_until and cache.add(f"{cache_key}:rendering", 1, RENDER_LOCK_SECONDS):
                html, fresh_until = _render_and_store(render_as(), cache_key, template, context, seconds)
        if len(_local) >= LOCAL_MAX_PAGES:
            _local.clear()
        _local[cache_key] = (now + LOCAL_SECONDS, html, fresh_until)
    return html


def _render_and_store(
    request: HttpRequest, cache_key: str, template: str, context: Callable[[HttpRequest], dict], seconds: int
) -> tuple[str, float]:
    # Read before rendering: a change during the render leaves this copy under the old version, unserved.
    frame = frame_version()
    shared = {"csrf_token": CSRF_PLACEHOLDER}
    if isinstance(request.user, SharedMember):
        # Over the context processors' values, which were computed for nobody in particular.
        shared |= {"user": request.user, "personal_shared": True}
    html = render_to_string(template, {**context(request), **shared}, request)
    fresh_until = time.time() + seconds
    cache.set(cache_key, (html, fresh_until, frame), seconds + STALE_SECONDS)
    cache.delete(f"{cache_key}:rendering")
    return html, fresh_until

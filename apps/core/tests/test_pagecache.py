"""Shared pages for first-time visitors: one render per TTL, an expired page re-rendered by one request."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.test import RequestFactory

from apps.core import pagecache


@pytest.fixture
def renders(monkeypatch):
    """Counts renders; each render shows its number, so a visitor's copy tells which render it came from."""
    count = {"n": 0}

    def render_to_string(template, context, request):
        count["n"] += 1
        return f"render {count['n']} token={context['csrf_token']}"

    monkeypatch.setattr(pagecache, "render_to_string", render_to_string)
    cache.clear()
    pagecache.local_clear()
    return count


def _visit() -> str:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = pagecache.render_shared(request, key="test", template="x.html", context=dict, seconds=30)
    return response.content.decode()


def test_visitors_share_one_render_each_with_their_own_token(renders):
    first, second = _visit(), _visit()

    assert renders["n"] == 1
    assert first.startswith("render 1")
    assert second.startswith("render 1")
    assert pagecache.CSRF_PLACEHOLDER not in first
    assert first.split("token=")[1] != second.split("token=")[1]


def test_an_expired_page_is_rendered_by_one_visitor_while_the_others_get_the_old_one(renders, monkeypatch):
    _visit()
    later = pagecache.time.time() + 31
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    key = pagecache.page_key("test", "ko")
    assert cache.add(f"{key}:rendering", 1, 10)  # another visitor is rendering it right now

    assert _visit().startswith("render 1")
    assert renders["n"] == 1

    cache.delete(f"{key}:rendering")
    assert _visit().startswith("render 2")
    assert _visit().startswith("render 2")
    assert renders["n"] == 2


def test_a_dropped_page_is_rendered_at_once(renders):
    _visit()
    cache.delete_many(pagecache.page_keys("test"))
    pagecache.local_clear()

    assert _visit().startswith("render 2")


def test_another_process_sees_a_drop_within_its_local_seconds(renders, monkeypatch):
    """A process keeps its copy LOCAL_SECONDS: a drop made elsewhere (the shared key only) shows after that."""
    _visit()
    cache.delete_many(pagecache.page_keys("test"))

    assert _visit().startswith("render 1")

    later = pagecache.time.time() + pagecache.LOCAL_SECONDS
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert _visit().startswith("render 2")


def _failed_write() -> None:
    with transaction.atomic():
        pagecache.pages_drop(*pagecache.page_keys("test"))
        raise RuntimeError("the write failed")


@pytest.mark.django_db(transaction=True)
def test_a_drop_waits_for_the_commit_and_a_rolled_back_write_drops_nothing(renders):
    """Visitors keep the stored page while the write is open, and after a write that was rolled back."""
    _visit()
    with pytest.raises(RuntimeError):
        _failed_write()
    assert _visit().startswith("render 1")

    with transaction.atomic():
        pagecache.pages_drop(*pagecache.page_keys("test"), versions=("test-version",))
        assert _visit().startswith("render 1")

    assert _visit().startswith("render 2")
    assert cache.get("test-version") is not None

"""The live pages play video with hls.js's light build, loaded only where a player plays."""

import pytest

from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db


def test_the_live_room_loads_the_light_hls_build(client):
    """A broadcast on air loads hls.light.min.js, deferred, and never the full build."""
    broadcast = make_live(BroadcastFactory())

    html = client.get(f"/live/{broadcast.pk}/").content.decode()

    assert "vendor/hls/hls.light.min" in html
    assert "hls.min.js" not in html
    assert "htmx.min" not in html


def test_a_room_with_nothing_to_play_and_the_live_list_load_no_hls(client):
    """A scheduled broadcast (nothing to play yet) and the live list load no hls.js."""
    broadcast = BroadcastFactory()

    for path in (f"/live/{broadcast.pk}/", "/live/"):
        html = client.get(path).content.decode()
        assert "vendor/hls/" not in html, path


def test_the_hosts_studio_previews_with_the_light_hls_build(client):
    """The host's studio of a broadcast on air previews it with hls.light.min.js, not the full build."""
    broadcast = make_live(BroadcastFactory())
    client.force_login(broadcast.seller)

    html = client.get(f"/live/{broadcast.pk}/studio/").content.decode()

    assert "vendor/hls/hls.light.min" in html
    assert "hls.min.js" not in html

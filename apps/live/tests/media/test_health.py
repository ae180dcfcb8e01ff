"""The studio's stream health: measured on the real media server from what an ffmpeg encoder sends."""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from apps.live.media import health
from apps.live.models import Broadcast
from apps.live.selectors import broadcast_item_cards, studio_checklist, studio_stream_health
from apps.live.tests.conftest import playlist, segments, wait_until
from apps.live.tests.factories import BroadcastFactory, SellerFactory
from apps.live.tests.media.test_reconnect_drill import _shoot

pytestmark = pytest.mark.django_db(transaction=True)

# nginx-rtmp's statistics as ngx_rtmp_stat_module.c writes them (trimmed to one stream).
STAT_XML = """<?xml version="1.0" encoding="utf-8" ?>
<rtmp><nginx_version>1.22.1</nginx_version><server><application><name>live</name><live>
<stream><name>bstream</name><time>42000</time><bw_in>3200000</bw_in><bytes_in>1</bytes_in>
<bw_out>0</bw_out><bytes_out>0</bytes_out><bw_audio>128000</bw_audio><bw_video>3072000</bw_video>
<client><id>9</id><address>127.0.0.1</address><time>42000</time><flashver>FMLE/3.0</flashver>
<dropped>0</dropped><avsync>-3</avsync><timestamp>41990</timestamp><publishing/><active/></client>
<meta><video><width>1280</width><height>720</height><frame_rate>30</frame_rate><codec>H264</codec>
<profile>High</profile><compat>0</compat><level>3.1</level></video><audio><codec>AAC</codec>
<profile>LC</profile><channels>2</channels><sample_rate>48000</sample_rate></audio></meta>
<nclients>1</nclients><publishing/><active/></stream>
<stream><name>idle</name><time>1000</time><bw_in>0</bw_in><nclients>0</nclients></stream>
<nclients>1</nclients></live></application></server></rtmp>"""


def _get(user, url: str):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_stat_xml_is_read_per_stream():
    """The figures of the named, published stream; nothing for an idle or unknown one."""
    stats = health.stream_stats(STAT_XML, public_name="bstream")
    assert stats["video_kbps"] == 3072
    assert stats["audio_kbps"] == 128
    assert (stats["width"], stats["height"], stats["frame_rate"]) == (1280, 720, 30)
    assert (stats["audio_codec"], stats["sample_rate"]) == ("AAC", 48000)
    assert health.stream_stats(STAT_XML, public_name="idle") is None
    assert health.stream_stats(STAT_XML, public_name="nope") is None
    assert health.stream_stats("<not xml", public_name="bstream") is None


def test_figures_off_the_readme_get_a_korean_warning():
    """Each measure says what to change in OBS when it is off the README's settings, and nothing when on."""
    good = health.stream_stats(STAT_XML, public_name="bstream")
    assert health._bitrate(good).ok
    assert health._frame_rate(good).ok
    assert health._audio(good).ok
    assert health._resolution(good).ok
    assert health._keyframe(0.5).ok
    assert "2,500–4,000Kbps" in health._bitrate(good | {"video_kbps": 900}).warning
    assert "4,000Kbps 이하" in health._bitrate(good | {"video_kbps": 8000}).warning
    assert "30" in health._frame_rate(good | {"frame_rate": 60}).warning
    assert "keyint=15" in health._keyframe(2.0).warning
    assert "AAC" in health._audio(good | {"audio_codec": "MP3"}).warning
    assert "48kHz" in health._audio(good | {"sample_rate": 22050}).warning
    assert "오디오가 들어오지 않아요" in health._audio(good | {"audio_codec": ""}).warning
    assert "1280×720" in health._resolution(good | {"width": 640, "height": 360}).warning


def test_a_stream_sent_as_the_readme_says_is_healthy(publisher, live_media):
    """720p, 30 fps, CBR 3,000 Kbps, keyframes every 0.5 s, AAC: every figure is measured and none warns;
    the checklist ticks the encoder and the quality lines from the measurement."""
    broadcast = BroadcastFactory()
    publisher(broadcast.public_name, broadcast.stream_key, size="1280x720", video_kbps=3000)
    wait_until(lambda: Broadcast.objects.get(pk=broadcast.pk).is_live, what="the broadcast to go live")
    wait_until(lambda: len(segments(playlist(live_media, broadcast.public_name))) >= 3, what="segments")
    # nginx averages bitrates over 10 s: wait for the first average.
    time.sleep(health.BANDWIDTH_WINDOW_MS / 1000 + 1)

    data = _get(broadcast.seller, reverse("live:studio-health", args=[broadcast.pk])).json()
    assert data["measured"]
    assert data["publishing"]
    values = {measure["key"]: measure for measure in data["measures"]}
    assert data["warnings"] == [], values
    # The 3,000 Kbps sent, as nginx averages it over 10 s (x264 overshoots a little under load).
    assert 2600 <= float(values["bitrate"]["value"].replace(",", "").removesuffix("Kbps")) <= 3800
    assert values["frame_rate"]["value"] == "30fps"
    assert values["keyframe"]["value"] == "0.5초"
    assert values["audio"]["value"].startswith("AAC · 44.1kHz · ")
    assert values["resolution"]["value"] == "1280×720"

    broadcast = Broadcast.objects.get(pk=broadcast.pk)
    checks = {
        check.label: check.done
        for check in studio_checklist(
            broadcast=broadcast,
            items=broadcast_item_cards(broadcast=broadcast),
            health=studio_stream_health(broadcast=broadcast),
        )
    }
    assert checks["OBS 송출 연결됨"]
    assert checks["송출 품질 (비트레이트·프레임·키프레임·오디오)"]


def test_a_long_keyframe_interval_and_a_small_picture_are_warned(publisher, live_media):
    """Keyframes every 2 s at 640×360: the studio says so in Korean and the checklist leaves quality unticked."""
    broadcast = BroadcastFactory()
    publisher(broadcast.public_name, broadcast.stream_key, keyframe_seconds=2)
    wait_until(lambda: Broadcast.objects.get(pk=broadcast.pk).is_live, what="the broadcast to go live")
    wait_until(lambda: len(segments(playlist(live_media, broadcast.public_name))) >= 3, what="segments")

    measured = health.measure(public_name=broadcast.public_name, base_url=live_media.http_url)
    values = {measure.key: measure for measure in measured.measures}
    assert values["keyframe"].value == "2.0초"
    assert "keyint=15 min-keyint=15" in values["keyframe"].warning
    assert "1280×720" in values["resolution"].warning
    assert values["frame_rate"].ok
    assert values["audio"].ok
    broadcast = Broadcast.objects.get(pk=broadcast.pk)
    quality = studio_checklist(broadcast=broadcast, items=[], health=measured)[2]
    assert not quality.done
    assert quality.todo in measured.warnings


def test_health_of_another_sellers_broadcast_is_404(live_media):
    """Only the broadcast's seller (or staff) reads its stream health; a stream not publishing says so."""
    broadcast = BroadcastFactory()
    assert _get(SellerFactory(), reverse("live:studio-health", args=[broadcast.pk])).status_code == 404
    data = _get(broadcast.seller, reverse("live:studio-health", args=[broadcast.pk])).json()
    assert (data["status"], data["publishing"], data["measures"]) == ("scheduled", False, [])


@pytest.mark.browser
def test_studio_health_panel_shows_the_measures_and_warnings(page, live_server, publisher, live_media):
    """The seller's studio during a show: the panel fills in by itself with each figure, the ones off the
    README marked, and what to change in OBS in Korean (phone and desktop screenshots)."""
    broadcast = BroadcastFactory()
    publisher(broadcast.public_name, broadcast.stream_key, keyframe_seconds=2)
    wait_until(lambda: Broadcast.objects.get(pk=broadcast.pk).is_live, what="the broadcast to go live")
    wait_until(lambda: len(segments(playlist(live_media, broadcast.public_name))) >= 2, what="segments")

    client = Client()
    client.force_login(broadcast.seller)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": f"{live_server.url}/"}])
    page.goto(reverse("live:studio", args=[broadcast.pk]))
    panel = page.get_by_test_id("stream-health")
    # Filled by the poll, bitrate included once nginx has its first 10 s average.
    panel.locator("[data-health-item=bitrate] dd", has_text="Kbps").wait_for(timeout=25_000)
    assert "권장 설정과 다른 값이 있어요" in panel.inner_text()
    warnings = page.get_by_test_id("health-warnings").inner_text()
    assert "키프레임 간격이 2.0초예요" in warnings
    assert "1280×720" in warnings
    assert panel.locator("[data-health-item=keyframe].is-off").count() == 1
    assert panel.locator("[data-health-item=audio].is-off").count() == 0
    _shoot(page, "live-studio-health")

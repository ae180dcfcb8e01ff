"""The staff's live monitor: a tile per broadcast on air with its numbers, the chat-spike alert against the
show's own baseline (thresholds from the runtime settings), the JSON the page polls, and stopping a
broadcast with a reason (the seller's mail, the studio's notice, viewers seeing the end)."""

import datetime
from decimal import Decimal

import pytest
from constance.test import override_config
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from apps.catalog.tests.factories import UserFactory
from apps.live.keys import viewer_count_key
from apps.live.models import Broadcast, ChatMessage
from apps.live.moderation.services import report_create, report_handle
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory
from apps.reports.selectors.live_monitor import SpikeRule, chat_spikes, live_monitor
from apps.reports.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

MONITOR = "/staff/live/"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def _on_air(title: str, minutes: int = 20) -> Broadcast:
    broadcast = make_live(BroadcastFactory(title=title))
    Broadcast.objects.filter(pk=broadcast.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    broadcast.refresh_from_db()
    return broadcast


def _messages(broadcast, count: int, seconds_ago: int) -> None:
    user = UserFactory()
    ids = [
        ChatMessage.objects.create(broadcast=broadcast, user=user, display_name="고객", text="와").pk
        for _ in range(count)
    ]
    ChatMessage.objects.filter(pk__in=ids).update(
        created_at=timezone.now() - datetime.timedelta(seconds=seconds_ago)
    )


RULE = SpikeRule(factor=Decimal("3.0"), min_messages=30, baseline_minutes=10)


@pytest.mark.parametrize(
    ("per_minute", "baseline", "spikes"),
    [
        (60, 10.0, True),  # six times its pace
        (30, 10.0, True),  # exactly three times, at the minimum
        (29, 5.0, False),  # far above its pace, but too few to matter
        (40, 20.0, False),  # busy, but only twice its pace
        (500, None, False),  # no baseline yet: not on air a whole minute before
        (30, 0.0, True),  # a silent room suddenly talking
    ],
)
def test_a_spike_is_well_above_the_shows_own_pace_and_not_tiny(per_minute, baseline, spikes):
    """Both the factor over the baseline and the minimum count must hold."""
    assert chat_spikes(per_minute=per_minute, baseline=baseline, rule=RULE) is spikes


def test_the_monitor_flags_the_spiking_show_from_the_runtime_thresholds():
    """A show at 40/min over a baseline of 5/min alerts; a steady busy one does not; the settings move it."""
    spiking, steady = _on_air("급증 방송"), _on_air("꾸준한 방송")
    _messages(spiking, 40, seconds_ago=10)
    _messages(spiking, 50, seconds_ago=5 * 60)
    _messages(steady, 45, seconds_ago=10)
    _messages(steady, 400, seconds_ago=5 * 60)

    tiles = {tile.broadcast_id: tile for tile in live_monitor()}
    assert tiles[spiking.pk].spike is True
    assert tiles[spiking.pk].chat_baseline == 5.0
    assert tiles[spiking.pk].spike_ratio == 8.0
    assert tiles[steady.pk].spike is False

    with override_config(LIVE_MONITOR_SPIKE_MIN_MESSAGES=50):
        assert not any(tile.spike for tile in live_monitor())
    with override_config(LIVE_MONITOR_SPIKE_FACTOR=Decimal("10")):
        assert not live_monitor()[0].spike


def test_the_page_shows_a_tile_per_broadcast_on_air_with_its_player(staff_client):
    """Each tile has the muted HLS player (live-player.js), the numbers, the room link and the stop form."""
    first, second = _on_air("겨울 니트 라이브"), _on_air("주방 특가 라이브", minutes=5)
    BroadcastFactory(title="예정 방송")
    cache.set(viewer_count_key(first.pk), 321)

    response = staff_client.get(MONITOR)
    page = response.content.decode()

    assert response.status_code == 200
    assert page.count('data-testid="monitor-tile"') == 2
    assert first.hls_url in page
    assert second.hls_url in page
    assert "예정 방송" not in page
    assert "js/live-player.js" in page
    assert "muted" in page
    assert 'data-testid="tile-viewers">321<' in page
    assert f'href="/live/{first.pk}/"' in page
    assert f"/staff/live/{first.pk}/stop/" in page
    assert page.count('data-testid="tile-reports">0<') == 2


def test_the_page_polls_numbers_as_json(staff_client):
    """The JSON carries each broadcast's numbers as the page shows them."""
    show = _on_air("겨울 니트 라이브")
    cache.set(viewer_count_key(show.pk), 88)
    _messages(show, 4, seconds_ago=15)

    data = staff_client.get("/staff/live/figures.json").json()

    assert data["broadcasts"] == [
        {
            "id": show.pk,
            "viewers": 88,
            "chat_per_minute": 4,
            "orders_per_minute": 0,
            "chat_baseline": 0.0,
            "spike": False,
            "spike_ratio": None,
            "reconnecting": False,
            "reports_waiting": 0,
            "reports_spike": False,
        }
    ]


@override_config(LIVE_REPORTS_SPIKE_COUNT=3, LIVE_REPORTS_SPIKE_MINUTES=5)
def test_a_tile_counts_reports_waiting_and_alerts_when_they_spike(staff_client):
    """Waiting reports on the show and its messages are counted per tile; three in five minutes raise an alert
    for that show alone, and a handled report leaves the count."""
    loud, calm = _on_air("반값 패딩 라이브"), _on_air("조용한 도자기 라이브")
    message = ChatMessage.objects.create(broadcast=loud, user=UserFactory(), display_name="고객", text="광고")
    reports = [
        report_create(reporter=UserFactory(), broadcast_id=loud.pk, reason="spam", message_id=message.pk)
        for _ in range(2)
    ]
    report_create(reporter=UserFactory(), broadcast_id=loud.pk, reason="spam")
    report_create(reporter=UserFactory(), broadcast_id=calm.pk, reason="spam")
    report_handle(report_id=reports[0].pk, action="dismiss", actor=StaffFactory(username="staff2"))

    data = {row["id"]: row for row in staff_client.get("/staff/live/figures.json").json()["broadcasts"]}
    page = staff_client.get(MONITOR).content.decode()

    assert (data[loud.pk]["reports_waiting"], data[loud.pk]["reports_spike"]) == (1, True)
    assert (data[calm.pk]["reports_waiting"], data[calm.pk]["reports_spike"]) == (1, False)
    assert "신고 급증 (대기 1건)" in page


def test_staff_stop_a_broadcast_with_a_reason_the_seller_reads_in_mail_and_studio(
    staff_client, django_capture_on_commit_callbacks
):
    """The show ends, the seller is mailed the reason in Korean, and the studio shows it."""
    show = _on_air("무허가 건강식품 라이브")
    show.seller.email = "seller@shop.example"
    show.seller.save(update_fields=["email"])
    reason = "허가받지 않은 건강기능식품을 판매해 운영 정책에 따라 방송을 중지합니다."

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/staff/live/{show.pk}/stop/", {"reason": reason})

    assert response.status_code == 302
    show.refresh_from_db()
    assert show.status == Broadcast.Status.ENDED
    assert show.stop_reason == reason
    assert show.stopped_by.username == "staff"
    assert [message.to for message in mail.outbox] == [["seller@shop.example"]]
    assert "운영자가 라이브 방송을 중지했어요" in mail.outbox[0].subject
    assert reason in mail.outbox[0].body
    assert f"/live/{show.pk}/studio/" in mail.outbox[0].body

    client = Client()
    client.force_login(show.seller)
    studio = client.get(f"/live/{show.pk}/studio/").content.decode()
    assert "운영자가 이 방송을 중지했어요" in studio
    assert reason in studio
    # Viewers: the status the player polls says it ended, and the page is the ended page.
    assert client.get(f"/live/{show.pk}/status/").json()["status"] == "ended"
    assert staff_client.get("/staff/live/figures.json").json()["broadcasts"] == []


def test_a_stop_needs_a_reason_and_a_broadcast_on_air(staff_client):
    """No reason: refused with a Korean message, still on air; an ended broadcast cannot be stopped."""
    show = _on_air("니트 라이브")
    response = staff_client.post(f"/staff/live/{show.pk}/stop/", {"reason": "  "}, follow=True)
    assert "중지 사유를 적어 주세요" in response.content.decode()
    show.refresh_from_db()
    assert show.status == Broadcast.Status.LIVE

    Broadcast.objects.filter(pk=show.pk).update(status=Broadcast.Status.ENDED)
    response = staff_client.post(f"/staff/live/{show.pk}/stop/", {"reason": "정책 위반"}, follow=True)
    assert "방송 중인 방송만 중지할 수 있어요" in response.content.decode()
    assert Broadcast.objects.get(pk=show.pk).stop_reason == ""
    assert not mail.outbox


def test_members_and_sellers_cannot_stop_a_broadcast(client):
    """The broadcast's own seller and a shopper get 403; the show stays on air."""
    show = _on_air("니트 라이브")
    for member in (show.seller, UserFactory()):
        client.force_login(member)
        assert client.post(f"/staff/live/{show.pk}/stop/", {"reason": "그만"}).status_code == 403
    assert Broadcast.objects.get(pk=show.pk).status == Broadcast.Status.LIVE

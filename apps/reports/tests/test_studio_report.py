"""The broadcast report a seller reads in the studio: reports computes it and live shows it through
``apps.live.hooks``; its figures are the job's, plus viewers over time, chat per minute and viewers per pin."""

import pytest
from django.urls import reverse

from apps.live import hooks
from apps.live.models import BroadcastViewerSample, ChatMessage
from apps.live.tests.factories import SellerFactory
from apps.reports.models import BroadcastReport
from apps.reports.services import broadcast_report_write
from apps.reports.tests.test_broadcast_report import scripted_broadcast  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _audience(broadcast):
    """Viewers sampled at each pin's moment, two chat messages (one deleted), 7 likes."""
    pins = list(broadcast.pins.order_by("pinned_at"))
    for pin, viewers in zip(pins, (40, 12, 25), strict=True):
        BroadcastViewerSample.objects.create(broadcast=broadcast, at=pin.pinned_at, viewers=viewers)
    for deleted in (False, True):
        message = ChatMessage.objects.create(
            broadcast=broadcast, user=broadcast.seller, display_name="앨리스", text="예뻐요"
        )
        if deleted:
            ChatMessage.objects.filter(pk=message.pk).update(deleted_at=broadcast.ended_at)
    type(broadcast).objects.filter(pk=broadcast.pk).update(likes=7)
    if BroadcastReport.objects.filter(broadcast=broadcast).exists():
        # The nightly pass rewrites the report with everything counted by then.
        broadcast_report_write(broadcast_id=broadcast.pk)


def test_the_provider_reads_the_stored_report_and_adds_the_audience(scripted_broadcast):  # noqa: F811
    """The studio's report is the job's totals and windows, with viewers per window from the samples."""
    _audience(scripted_broadcast)
    report = hooks.broadcast_report(broadcast_id=scripted_broadcast.pk)

    stored = BroadcastReport.objects.get(broadcast=scripted_broadcast)
    assert report["computed_at"] == stored.computed_at
    summary = report["summary"]
    assert (summary["orders"], summary["quantity"], summary["revenue"], summary["add_to_carts"]) == (
        4,
        5,
        82000,
        3,
    )
    assert [(p["product_name"], p["peak_viewers"], p["orders"], p["revenue"]) for p in report["pins"]] == [
        ("라이브 니트", 40, 1, 24000),
        ("수면 양말", 12, 1, 10000),
        ("라이브 니트", 25, 1, 24000),
    ]
    assert [point["count"] for point in report["viewers"]] == [40, 12, 25]
    assert sum(point["count"] for point in report["chat"]) == 1


def test_without_a_stored_report_the_provider_computes_the_same_figures(scripted_broadcast):  # noqa: F811
    """Before the job wrote it (or after it was removed), the page computes it with the job's function."""
    BroadcastReport.objects.filter(broadcast=scripted_broadcast).delete()
    _audience(scripted_broadcast)
    report = hooks.broadcast_report(broadcast_id=scripted_broadcast.pk)
    assert report["computed_at"] is None
    assert (report["summary"]["revenue"], report["summary"]["likes"], report["summary"]["messages"]) == (
        82000,
        7,
        1,
    )
    assert [p["revenue"] for p in report["pins"]] == [24000, 10000, 24000]


def test_the_seller_reads_the_report_in_the_studio_and_nobody_else_does(client, scripted_broadcast):  # noqa: F811
    """The owner sees totals, charts' data and a row per pinned window; another seller gets a 404."""
    _audience(scripted_broadcast)
    url = reverse("live:studio-report", args=[scripted_broadcast.pk])
    client.force_login(SellerFactory())
    assert client.get(url).status_code == 404
    client.force_login(scripted_broadcast.seller)
    studio = client.get(reverse("live:studio", args=[scripted_broadcast.pk])).content.decode()
    assert url in studio
    page = client.get(url).content.decode()
    assert 'data-testid="report-revenue">82,000원' in page
    assert 'data-testid="report-peak">40명' in page
    assert 'data-testid="report-likes">7개' in page
    assert page.count('data-testid="report-pin"') == 3
    assert "수면 양말" in page
    assert "12 / 12명" in page
    assert 'id="report-data"' in page
    assert "js/live-studio-report.js" in page


def test_a_broadcast_not_ended_has_no_report_yet(client):
    """Before the end the page says when the report comes; no chart script is loaded."""
    from apps.live.tests.factories import BroadcastFactory

    broadcast = BroadcastFactory()
    client.force_login(broadcast.seller)
    page = client.get(reverse("live:studio-report", args=[broadcast.pk])).content.decode()
    assert "방송이 끝나면 리포트가 보여요" in page
    assert "report-data" not in page
    assert hooks.broadcast_report(broadcast_id=broadcast.pk) is None

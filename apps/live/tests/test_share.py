"""A live link shared to KakaoTalk: whether it is on air, its products' price, and BroadcastEvent data."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from apps.core.tests.share_support import share_tags
from apps.live.models import Broadcast
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory

pytestmark = pytest.mark.django_db

SITE = "https://shop.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def page_tags(broadcast):
    return share_tags(Client().get(f"/live/{broadcast.pk}/").content.decode())


def test_a_broadcast_on_air_says_live_with_its_lowest_price_and_a_live_event():
    broadcast = make_live(BroadcastFactory(title="봄 코디 라이브"))
    BroadcastProductFactory(broadcast=broadcast)

    tags = page_tags(broadcast)

    assert tags.canonical == [f"{SITE}/live/{broadcast.pk}/"]
    assert tags.meta["og:title"] == "[LIVE] 봄 코디 라이브"
    assert tags.meta["og:description"].startswith("LIVE 방송 중 · ")
    assert "원부터" in tags.meta["og:description"]
    assert tags.meta["og:url"] == f"{SITE}/live/{broadcast.pk}/"
    [data] = tags.jsonld
    event = data["publication"]
    assert event["@type"] == "BroadcastEvent"
    assert event["isLiveBroadcast"] is True
    assert datetime.datetime.fromisoformat(event["startDate"]) == broadcast.started_at.replace(microsecond=0)
    assert event["startDate"].endswith("+09:00")
    assert "endDate" not in event


def test_a_coming_broadcast_names_its_time_and_an_ended_one_its_end():
    coming = BroadcastFactory(title="내일 라이브")
    ended = BroadcastFactory(title="지난 라이브")
    started, finished = (
        timezone.now() - datetime.timedelta(hours=2),
        timezone.now() - datetime.timedelta(hours=1),
    )
    Broadcast.objects.filter(pk=ended.pk).update(
        status=Broadcast.Status.ENDED, started_at=started, ended_at=finished
    )

    coming_tags, ended_tags = page_tags(coming), page_tags(ended)

    assert "방송 예정" in coming_tags.meta["og:title"]
    coming_start = coming_tags.jsonld[0]["publication"]["startDate"]
    assert datetime.datetime.fromisoformat(coming_start) == coming.scheduled_at.replace(microsecond=0)
    assert "LIVE" not in ended_tags.meta["og:title"]
    event = ended_tags.jsonld[0]["publication"]
    assert datetime.datetime.fromisoformat(event["endDate"]) == finished.replace(microsecond=0)
    assert datetime.datetime.fromisoformat(event["startDate"]) == started.replace(microsecond=0)

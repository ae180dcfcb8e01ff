"""Broadcast covers get WebP/AVIF renditions (aspect kept) once, after the studio's upload; pages use them."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image, features

from apps.catalog.tests.factories import CategoryFactory, image_upload
from apps.live import services
from apps.live.models import Broadcast
from apps.live.services import covers
from apps.live.tests.factories import BroadcastFactory, SellerFactory

pytestmark = pytest.mark.django_db

FORMATS = ["avif", "webp"] if features.check("avif") else ["webp"]


def test_cover_renditions_keep_the_3_4_shape_in_each_width_the_cover_allows():
    """A 600×800 cover gets copies 240, 360, 480 and 600 wide, each 4/3 as tall, in every format."""
    broadcast = BroadcastFactory(cover=image_upload(name="cover.png", size=(600, 800)))

    renditions = covers.broadcast_cover_renditions_make(broadcast_id=broadcast.pk)

    for fmt in FORMATS:
        assert [width for width, _name in renditions[fmt]] == [240, 360, 480, 600]
        for width, name in renditions[fmt]:
            with default_storage.open(name) as stored, Image.open(stored) as picture:
                assert picture.size == (width, width * 4 // 3)
                assert picture.format == fmt.upper()
    broadcast.refresh_from_db()
    assert broadcast.cover_renditions == renditions


def test_the_studio_asks_for_the_cover_renditions_once_the_broadcast_is_saved(
    client, django_capture_on_commit_callbacks
):
    """Scheduling a broadcast with a cover in the studio makes its renditions after the commit (the task)."""
    seller = SellerFactory()
    client.force_login(seller)
    data = {
        "title": "가을 니트 라이브",
        "category": CategoryFactory().pk,
        "scheduled_at": (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "description": "",
        "cover": image_upload(name="cover.png", size=(300, 400)),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("live:studio-index"), data)

    assert response.status_code == 302
    broadcast = Broadcast.objects.get(title="가을 니트 라이브")
    assert [width for width, _name in broadcast.cover_renditions["webp"]] == [240, 300]


def test_a_new_cover_forgets_the_old_ones_renditions():
    """Saving another cover empties the renditions, so pages show the new cover until its own are made."""
    broadcast = BroadcastFactory(cover=image_upload(name="cover.png", size=(300, 400)))
    covers.broadcast_cover_renditions_make(broadcast_id=broadcast.pk)
    broadcast.refresh_from_db()

    broadcast.cover = image_upload(name="other.png", size=(300, 400))
    services.broadcast_save(broadcast=broadcast)

    broadcast.refresh_from_db()
    assert broadcast.cover_renditions == {}
    assert covers.broadcast_covers_without_renditions() == [broadcast.pk]


def test_the_command_makes_missing_cover_renditions_and_the_list_page_uses_them(client):
    """``manage.py cover_renditions`` fills covers without renditions; the live list's tile then has srcsets."""
    broadcast = BroadcastFactory(cover=image_upload(name="cover.png", size=(300, 400)))

    call_command("cover_renditions", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert covers.broadcast_covers_without_renditions() == []
    html = client.get(reverse("live:list") + "?tab=scheduled").content.decode()
    assert 'type="image/webp"' in html
    assert broadcast.cover.url in html

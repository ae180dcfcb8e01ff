"""Broadcast writes: keys, the publish gate, pins, products, alarms."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apps.catalog.tests.factories import ProductFactory
from apps.live import services
from apps.live.models import Broadcast, BroadcastAlarm
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory, SellerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_only_sellers_and_staff_open_broadcasts():
    """A shopper cannot schedule a broadcast; a seller gets a key and a public name that differ."""
    with pytest.raises(ValidationError):
        BroadcastFactory(seller=UserFactory())
    broadcast = BroadcastFactory(seller=SellerFactory())
    assert len(broadcast.stream_key) >= 32
    assert broadcast.public_name
    assert broadcast.stream_key not in broadcast.public_name
    assert broadcast.public_name in broadcast.hls_url
    assert broadcast.stream_key not in broadcast.hls_url


def test_regenerating_the_key_refuses_the_old_one():
    """A regenerated key replaces the old one at once."""
    broadcast = BroadcastFactory()
    old = broadcast.stream_key
    broadcast = services.broadcast_stream_key_regenerate(broadcast=broadcast)
    assert broadcast.stream_key != old
    with pytest.raises(services.PublishRefused):
        services.broadcast_publish_start(public_name=broadcast.public_name, key=old)
    assert services.broadcast_publish_start(
        public_name=broadcast.public_name, key=broadcast.stream_key
    ).is_live


def test_publish_gate():
    """Scheduled and live (reconnecting) broadcasts take their key; ended ones, other keys and ex-sellers do not."""
    broadcast = BroadcastFactory()
    for name, key in [
        (broadcast.public_name, ""),
        ("nope", broadcast.stream_key),
        (broadcast.public_name, "x"),
    ]:
        with pytest.raises(services.PublishRefused):
            services.broadcast_publish_start(public_name=name, key=key)

    live = services.broadcast_publish_start(
        public_name=broadcast.public_name, key=broadcast.stream_key, client_id="1"
    )
    assert live.is_live
    assert live.started_at
    again = services.broadcast_publish_start(
        public_name=broadcast.public_name, key=broadcast.stream_key, client_id="2"
    )
    assert again.started_at == live.started_at

    # The old connection's end arrives after the reconnect: ignored. The current one's end ends it.
    assert services.broadcast_publish_stop(public_name=broadcast.public_name, client_id="1").is_live
    assert services.broadcast_publish_stop(public_name=broadcast.public_name, client_id="2").is_ended
    with pytest.raises(services.PublishRefused):
        services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)

    demoted = BroadcastFactory()
    demoted.seller.is_seller = False
    demoted.seller.save()
    with pytest.raises(services.PublishRefused):
        services.broadcast_publish_start(public_name=demoted.public_name, key=demoted.stream_key)


def test_pin_records_the_moment_only_on_air():
    """Pinning before the start marks the product; on air it also keeps the offset, one pinned at a time."""
    item = BroadcastProductFactory()
    other = BroadcastProductFactory(broadcast=item.broadcast)
    assert services.broadcast_product_pin(item=item) is None

    broadcast = item.broadcast
    services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    pin = services.broadcast_product_pin(item=other)
    assert pin.offset_seconds >= 0
    item.refresh_from_db()
    other.refresh_from_db()
    assert (item.is_pinned, other.is_pinned) == (False, True)

    services.broadcast_publish_stop(public_name=broadcast.public_name)
    other.refresh_from_db()
    assert not other.is_pinned


def test_products_on_air():
    """Adding keeps the order and checks the live price; sold out and remove change the list."""
    broadcast = BroadcastFactory()
    first = services.broadcast_product_add(broadcast=broadcast, product=ProductFactory(sale_price=20000))
    second = services.broadcast_product_add(broadcast=broadcast, product=ProductFactory(), live_price=19000)
    assert (first.position, second.position) == (0, 1)
    assert second.price == 19000
    assert first.price == 20000
    with pytest.raises(ValidationError):
        services.broadcast_product_add(
            broadcast=broadcast, product=ProductFactory(sale_price=10000), live_price=12000
        )
    services.broadcast_product_sold_out_set(item=first, sold_out=True)
    services.broadcast_product_remove(item=second)
    assert list(broadcast.items.values_list("is_sold_out", flat=True)) == [True]


def test_alarm_mail_once_per_subscriber():
    """Each subscriber gets the go-live mail once, even when the task runs twice; unsubscribed users none."""
    broadcast = BroadcastFactory()
    fan, leaver = UserFactory(), UserFactory()
    services.broadcast_alarm_set(broadcast=broadcast, user=fan, on=True)
    services.broadcast_alarm_set(broadcast=broadcast, user=fan, on=True)
    services.broadcast_alarm_set(broadcast=broadcast, user=leaver, on=True)
    services.broadcast_alarm_set(broadcast=broadcast, user=leaver, on=False)

    assert services.broadcast_alarms_notify(broadcast_id=broadcast.pk) == 1
    assert services.broadcast_alarms_notify(broadcast_id=broadcast.pk) == 0
    assert [message.to for message in mail.outbox] == [[fan.email]]
    assert broadcast.get_absolute_url() in mail.outbox[0].body
    assert BroadcastAlarm.objects.get(user=fan).notified_at is not None


def test_alarms_only_before_the_start():
    """A broadcast already on air takes no new alarm."""
    broadcast = BroadcastFactory()
    services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    with pytest.raises(ValidationError):
        services.broadcast_alarm_set(
            broadcast=Broadcast.objects.get(pk=broadcast.pk), user=UserFactory(), on=True
        )


def test_replay_of_a_missing_recording_fails_cleanly(tmp_path, django_capture_on_commit_callbacks):
    """A recording that vanished marks the replay failed instead of raising."""
    broadcast = BroadcastFactory()
    services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    services.broadcast_recording_done(public_name=broadcast.public_name, path=str(tmp_path / "gone.flv"))
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_publish_stop(public_name=broadcast.public_name)
    broadcast.refresh_from_db()
    assert broadcast.replay_status == Broadcast.ReplayStatus.FAILED

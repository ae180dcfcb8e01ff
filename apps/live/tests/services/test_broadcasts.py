"""A broadcast's writes: who may open one, its stream key, the publish gate."""

import pytest
from django.core.exceptions import ValidationError

from apps.live import services
from apps.live.tests.factories import BroadcastFactory, SellerFactory, UserFactory
from apps.sellers.models import Seller

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

    # The old connection's end arrives after the reconnect: ignored. The current one's end starts the grace;
    # ended by hand, the key is never good again.
    assert not services.broadcast_publish_stop(
        public_name=broadcast.public_name, client_id="1"
    ).is_reconnecting
    assert services.broadcast_publish_stop(public_name=broadcast.public_name, client_id="2").is_reconnecting
    assert services.broadcast_end(broadcast=broadcast).is_ended
    with pytest.raises(services.PublishRefused):
        services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)

    demoted = BroadcastFactory()
    Seller.objects.filter(user=demoted.seller).update(status=Seller.Status.SUSPENDED)
    with pytest.raises(services.PublishRefused):
        services.broadcast_publish_start(public_name=demoted.public_name, key=demoted.stream_key)

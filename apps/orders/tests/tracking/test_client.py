"""The Delivery Tracker client against the local fake: what a shipment's timeline and delivery are read from."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.orders.tracking import DeliveryTracker, TrackingError, tracker
from apps.orders.tracking.fake import FakeDeliveryTracker


@pytest.fixture(scope="module")
def fake():
    server = FakeDeliveryTracker().start()
    yield server
    server.stop()


@pytest.fixture
def client(fake) -> DeliveryTracker:
    fake.reset()
    return DeliveryTracker(url=fake.url, client_id="fake-client", client_secret="fake-secret", timeout=3)


def test_a_parcel_reads_as_its_scans_oldest_first_with_the_delivered_one_last(fake, client):
    fake.accept("kr.cjlogistics", "640123456789")
    assert client.track(carrier_id="kr.cjlogistics", tracking_number="640123456789").events == ()
    fake.scan("kr.cjlogistics", "640123456789", "AT_PICKUP", location="성수 집배점")
    fake.scan("kr.cjlogistics", "640123456789", "IN_TRANSIT", location="곤지암 Hub")
    fake.scan("kr.cjlogistics", "640123456789", "DELIVERED", location="서울 마포")

    info = client.track(carrier_id="kr.cjlogistics", tracking_number="640123456789")

    assert [event.status for event in info.events] == ["AT_PICKUP", "IN_TRANSIT", "DELIVERED"]
    assert info.events[1].location == "곤지암 Hub"
    assert info.events[0].time.tzinfo is not None
    assert info.is_delivered
    # The request carried the service's API-key header and the variables, as GraphQL over HTTP.
    sent = fake.requests[-1]
    assert sent["variables"] == {"carrierId": "kr.cjlogistics", "trackingNumber": "640123456789"}


def test_delivered_stays_the_last_event_when_a_late_scan_arrives(fake, client):
    fake.scan("kr.hanjin", "123456789012", "DELIVERED")
    fake.scan("kr.hanjin", "123456789012", "OUT_FOR_DELIVERY")
    assert client.track(carrier_id="kr.hanjin", tracking_number="123456789012").is_delivered


def test_an_unknown_parcel_carrier_or_key_is_a_coded_error(fake, client):
    with pytest.raises(TrackingError) as unknown:
        client.track(carrier_id="kr.epost", tracking_number="0000000000000")
    assert unknown.value.code == "NOT_FOUND"
    with pytest.raises(TrackingError) as carrier:
        client.track(carrier_id="kr.nowhere", tracking_number="1")
    assert carrier.value.code == "NOT_FOUND"
    wrong_key = DeliveryTracker(url=fake.url, client_id="fake-client", client_secret="wrong", timeout=3)
    with pytest.raises(TrackingError) as refused:
        wrong_key.track(carrier_id="kr.epost", tracking_number="1")
    assert refused.value.code == "UNAUTHENTICATED"


def test_an_unreachable_service_is_an_error_not_a_hang():
    client = DeliveryTracker(url="http://127.0.0.1:9/graphql", client_id="x", client_secret="y", timeout=1)
    with pytest.raises(TrackingError) as error:
        client.track(carrier_id="kr.lotte", tracking_number="1")
    assert error.value.code == "UNREACHABLE"


def test_a_registered_webhook_is_posted_the_parcel_on_each_scan_until_it_expires(fake, client):
    received: list[dict] = []

    class Callback(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)
        assert client.register_webhook(
            carrier_id="kr.logen", tracking_number="31234567890", callback_url=url, expires_at=soon
        )
        fake.scan("kr.logen", "31234567890", "IN_TRANSIT")
        assert received == [{"carrierId": "kr.logen", "trackingNumber": "31234567890"}]

        past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
        client.register_webhook(
            carrier_id="kr.logen", tracking_number="31234567890", callback_url=url, expires_at=past
        )
        fake.scan("kr.logen", "31234567890", "DELIVERED")
        assert len(received) == 1
    finally:
        server.shutdown()
        server.server_close()


def test_tracking_is_off_without_a_client_id(settings):
    settings.DELIVERY_TRACKER_CLIENT_ID = ""
    assert tracker() is None
    settings.DELIVERY_TRACKER_CLIENT_ID, settings.DELIVERY_TRACKER_CLIENT_SECRET = "id", "secret"
    assert tracker() is not None

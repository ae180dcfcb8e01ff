"""`make run`'s parcel tracking: `manage.py delivery_tracker_fake` under the dev settings answers the shop's
client with the dev credentials, walks a registered parcel to DELIVERED and calls the shop back on each scan."""

import datetime
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from apps.core.testing import free_port
from apps.orders.tracking import DeliveryTracker, TrackingError

ROOT = Path(settings.BASE_DIR)
# How long the subprocess may take to start on a loaded machine before the test gives up (not a measurement).
START_PATIENCE_SECONDS = 120


def _dev_settings(name: str) -> str:
    """A value of trimarket.settings.dev as the command sees it (no DELIVERY_TRACKER_CLIENT_ID given)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DELIVERY_TRACKER_")}
    env["DJANGO_SETTINGS_MODULE"] = "trimarket.settings.dev"
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip().splitlines()[-1]


@pytest.fixture
def callbacks():
    """A stand-in for the shop's tracking callback URL, recording what the service POSTs."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/delivery-tracking/secret/", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def tracker_process():
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("DELIVERY_TRACKER_")}
    env.update(
        DJANGO_SETTINGS_MODULE="trimarket.settings.dev",
        DELIVERY_TRACKER_URL=f"http://127.0.0.1:{port}/graphql",
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "delivery_tracker_fake", "--step-seconds", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process, f"http://127.0.0.1:{port}/graphql"
    process.terminate()
    process.wait(timeout=30)


def _until(check, what: str):
    deadline = time.monotonic() + START_PATIENCE_SECONDS
    while True:
        try:
            result = check()
        except (TrackingError, OSError):
            result = None
        if result:
            return result
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.2)


def test_the_dev_settings_point_the_client_at_the_fake_the_procfile_starts():
    """Without DELIVERY_TRACKER_CLIENT_ID, dev tracks through 127.0.0.1:8091, where Procfile `tracker` listens."""
    assert _dev_settings("DELIVERY_TRACKER_URL") == "http://127.0.0.1:8091/graphql"
    procfile = (ROOT / "docker/dev/Procfile").read_text()
    assert "tracker: .venv/bin/python manage.py delivery_tracker_fake\n" in procfile


def test_the_fake_command_answers_the_client_and_walks_a_parcel_to_delivered(tracker_process, callbacks):
    """A registered parcel gets its scans one step at a time, each one called back, ending DELIVERED."""
    process, url = tracker_process
    callback_url, received = callbacks
    client = DeliveryTracker(url=url, client_id="fake-client", client_secret="fake-secret", timeout=5)

    registered = _until(
        lambda: client.register_webhook(
            carrier_id="kr.cjlogistics",
            tracking_number="600000000123",
            callback_url=callback_url,
            expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1),
        ),
        "the fake to start",
    )
    info = _until(
        lambda: (
            (i := client.track(carrier_id="kr.cjlogistics", tracking_number="600000000123")).is_delivered
            and i
        ),
        "the parcel to be delivered",
    )
    wrong = DeliveryTracker(url=url, client_id="fake-client", client_secret="wrong", timeout=5)

    assert registered is True
    assert [event.status for event in info.events] == [
        "INFORMATION_RECEIVED",
        "AT_PICKUP",
        "IN_TRANSIT",
        "OUT_FOR_DELIVERY",
        "DELIVERED",
    ]
    assert info.events[2].location == "곤지암 Hub"
    assert received[0] == {"carrierId": "kr.cjlogistics", "trackingNumber": "600000000123"}
    assert len(received) == 5
    with pytest.raises(TrackingError):
        wrong.track(carrier_id="kr.cjlogistics", tracking_number="600000000123")
    assert process.poll() is None

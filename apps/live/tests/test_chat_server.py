"""The room on real servers (uvicorn and daphne processes, Redis bus, MariaDB): a standard STOMP
client library, two processes sharing a room, and a live drop raced by 50 buyers over HTTP."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import stomp
from django.conf import settings
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live import services
from apps.live.tests.chat_server import Server
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.orders.models import StockHold

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def servers():
    started: list[Server] = []

    def start(kind: str = "uvicorn") -> Server:
        server = Server(kind)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


class Collector(stomp.ConnectionListener):
    """Keeps every MESSAGE and ERROR a stomp.py connection receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[dict, str]] = []
        self.errors: list[tuple[dict, str]] = []
        self.changed = threading.Condition()

    def on_message(self, frame) -> None:
        with self.changed:
            self.messages.append((frame.headers, frame.body))
            self.changed.notify_all()

    def on_error(self, frame) -> None:
        with self.changed:
            self.errors.append((frame.headers, frame.body))
            self.changed.notify_all()

    def wait_for(self, predicate, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [item for item in self.messages if predicate(item)]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                assert left > 0, f"no matching message in {[body[:60] for _, body in self.messages]}"
                self.changed.wait(left)


def stomp_connect(server: Server, broadcast_id: int, token: str = ""):
    connection = stomp.WSStompConnection(
        host_and_ports=[("127.0.0.1", server.port)],
        ws_path=f"/ws/live/{broadcast_id}/",
        heartbeats=(4000, 4000),
    )
    collector = Collector()
    connection.set_listener("collector", collector)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    connection.connect(wait=True, headers=headers)
    return connection, collector


@pytest.mark.parametrize("kind", ["uvicorn", "daphne"])
def test_stomp_py_connects_subscribes_sends_and_receives(servers, kind):
    """stomp.py's WebSocket connection (a standard STOMP 1.2 client) does the whole round trip."""
    broadcast = make_live(BroadcastFactory())
    user = UserFactory(name="스톰프")
    server = servers(kind)
    connection, collector = stomp_connect(server, broadcast.pk, str(AccessToken.for_user(user)))
    try:
        connection.subscribe(destination=f"/topic/live.{broadcast.pk}.chat", id="c1", ack="auto")
        connection.send(
            destination=f"/app/live.{broadcast.pk}.chat",
            body="표준 클라이언트 안녕",
            content_type="text/plain",
        )
        headers, body = collector.wait_for(lambda item: "표준 클라이언트" in item[1])
        assert headers["subscription"] == "c1"
        assert headers["destination"] == f"/topic/live.{broadcast.pk}.chat"
        assert headers["message-id"].startswith("chat-")
        assert json.loads(body)["name"] == "스톰프"
    finally:
        connection.disconnect()


def test_message_through_process_a_reaches_a_viewer_on_process_b(servers):
    """Two server processes share the room through the Redis bus."""
    broadcast = make_live(BroadcastFactory())
    user = UserFactory()
    process_a, process_b = servers("uvicorn"), servers("uvicorn")
    viewer, seen = stomp_connect(process_b, broadcast.pk)
    sender, _ = stomp_connect(process_a, broadcast.pk, str(AccessToken.for_user(user)))
    try:
        viewer.subscribe(destination=f"/topic/live.{broadcast.pk}.chat", id="b", ack="auto")
        time.sleep(0.3)
        sender.send(destination=f"/app/live.{broadcast.pk}.chat", body="A에서 B로", content_type="text/plain")
        headers, _body = seen.wait_for(lambda item: "A에서 B로" in item[1])
        assert headers["subscription"] == "b"
    finally:
        viewer.disconnect()
        sender.disconnect()


def _session_for(user, base_url: str) -> requests.Session:
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    session.cookies.set("csrftoken", "t" * 32)
    session.headers.update({"X-CSRFToken": "t" * 32, "Referer": f"{base_url}/"})
    return session


def test_live_drop_of_10_units_to_50_simultaneous_buyers_makes_exactly_10_holds(servers):
    """50 buyers press 바로 구매 at once on two processes: 10 holds, 40 sold-out answers, the room sees 품절."""
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast, live_price=9900)
    option = ProductOptionFactory(product=item.product, stock=10)
    services.broadcast_product_pin(item=item)
    processes = [servers("uvicorn"), servers("uvicorn")]
    buyers = [UserFactory() for _ in range(50)]
    sessions = [_session_for(buyer, processes[n % 2].url) for n, buyer in enumerate(buyers)]
    viewer, seen = stomp_connect(processes[1], broadcast.pk)
    viewer.subscribe(destination=f"/topic/live.{broadcast.pk}.events", id="e", ack="auto")
    start = threading.Barrier(50)

    def press(n: int) -> int:
        start.wait()
        response = sessions[n].post(
            f"{processes[n % 2].url}/live/{broadcast.pk}/buy/",
            data={"item": item.pk, "option": option.pk, "quantity": 1},
            timeout=30,
        )
        return response.status_code

    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            codes = list(pool.map(press, range(50)))
        assert codes.count(201) == 10
        assert codes.count(409) == 40
        assert StockHold.objects.filter(option=option, state=StockHold.State.HELD).count() == 10
        assert set(StockHold.objects.values_list("unit_price", flat=True)) == {9900}
        option.refresh_from_db()
        assert option.stock == 0
        seen.wait_for(
            lambda item: json.loads(item[1]).get("type") == "stock" and json.loads(item[1])["sold_out"]
        )
    finally:
        viewer.disconnect()

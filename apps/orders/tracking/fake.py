"""A local Delivery Tracker for tests and the demo: the same GraphQL endpoint, auth and answers as
tracker.delivery, over a parcel state that tests move by hand.

Only the two operations the shop sends are understood (``track`` and ``registerTrackWebhook``), recognised by
their field name in the query as the real service would resolve them; anything else is a ``BAD_REQUEST``
GraphQL error, as are unknown carriers (``NOT_FOUND`` "Carrier not found") and parcels the carrier does not
know (``NOT_FOUND``). ``scan()`` adds a carrier scan and POSTs ``{carrierId, trackingNumber}`` to every
callback registered for that parcel and not yet expired, as the service does.

For the demo (``manage.py delivery_tracker_fake``, started by ``make run``) it runs with ``journey``: any
parcel the shop asks about or registers is accepted, and ``advance()`` moves each one a scan further along
``JOURNEY`` until it is delivered, so a demo shipment's timeline fills by itself and ends 배송완료.
"""

import datetime
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CARRIERS = frozenset({"kr.cjlogistics", "kr.hanjin", "kr.lotte", "kr.epost", "kr.logen", "kr.kdexp"})
STATUS_NAMES = {
    "INFORMATION_RECEIVED": "상품인수",
    "AT_PICKUP": "집하",
    "IN_TRANSIT": "이동중",
    "OUT_FOR_DELIVERY": "배송출발",
    "ATTEMPT_FAIL": "배달실패",
    "DELIVERED": "배달완료",
    "AVAILABLE_FOR_PICKUP": "보관",
    "EXCEPTION": "이상",
    "UNKNOWN": "알수없음",
}

# The scans of a demo parcel, one per ``advance()``: (status, location).
JOURNEY = (
    ("INFORMATION_RECEIVED", "판매자 발송지"),
    ("AT_PICKUP", "성수 집배점"),
    ("IN_TRANSIT", "곤지암 Hub"),
    ("OUT_FOR_DELIVERY", "받는 분 담당 집배점"),
    ("DELIVERED", "받는 분 주소지"),
)


@dataclass
class Parcel:
    events: list[dict] = field(default_factory=list)
    webhooks: list[tuple[str, datetime.datetime]] = field(default_factory=list)


class FakeDeliveryTracker:
    def __init__(
        self, *, client_id: str = "fake-client", client_secret: str = "fake-secret", journey: bool = False
    ):
        self.journey = journey
        self.authorization = f"TRACKQL-API-KEY {client_id}:{client_secret}"
        self.client_id, self.client_secret = client_id, client_secret
        self.parcels: dict[tuple[str, str], Parcel] = {}
        self.requests: list[dict] = []
        self.callbacks_sent: list[tuple[str, dict, int]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- driving it from a test ---------------------------------------------------------------------
    def start(self, *, host: str = "127.0.0.1", port: int = 0) -> "FakeDeliveryTracker":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet in test output
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, body = fake._answer(self.headers.get("Authorization", ""), raw)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer((host, port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/graphql"

    def reset(self) -> None:
        with self._lock:
            self.parcels.clear()
            self.requests.clear()
            self.callbacks_sent.clear()

    def accept(self, carrier_id: str, tracking_number: str) -> None:
        """The carrier knows the parcel (a seller handed it over): ``track`` finds it, with no scans yet."""
        with self._lock:
            self.parcels.setdefault((carrier_id, tracking_number), Parcel())

    def scan(
        self,
        carrier_id: str,
        tracking_number: str,
        status: str,
        *,
        location: str = "",
        description: str = "",
        at: datetime.datetime | None = None,
    ) -> None:
        """A carrier scan; then each live callback of the parcel is POSTed, as the service does."""
        when = at or datetime.datetime.now(datetime.UTC)
        with self._lock:
            parcel = self.parcels.setdefault((carrier_id, tracking_number), Parcel())
            parcel.events.append(
                {
                    "time": when.astimezone(datetime.timezone(datetime.timedelta(hours=9))).isoformat(),
                    "status": {"code": status, "name": STATUS_NAMES.get(status, status)},
                    "description": description or STATUS_NAMES.get(status, status),
                    "location": {"name": location} if location else None,
                }
            )
            now = datetime.datetime.now(datetime.UTC)
            callbacks = [url for url, expires in parcel.webhooks if expires > now]
        for url in callbacks:
            body = {"carrierId": carrier_id, "trackingNumber": tracking_number}
            request = urllib.request.Request(
                url,
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    code = response.status
            except urllib.error.HTTPError as error:
                code = error.code
            except OSError:
                code = 0
            self.callbacks_sent.append((url, body, code))

    def advance(self) -> int:
        """One more ``JOURNEY`` scan for every parcel not yet at its end; returns how many moved."""
        with self._lock:
            moving = [(key, len(parcel.events)) for key, parcel in self.parcels.items()]
        moved = 0
        for (carrier_id, number), done in moving:
            if done < len(JOURNEY):
                status, location = JOURNEY[done]
                self.scan(carrier_id, number, status, location=location)
                moved += 1
        return moved

    # --- the GraphQL endpoint -----------------------------------------------------------------------
    def _answer(self, authorization: str, raw: bytes) -> tuple[int, dict]:
        if authorization != self.authorization:
            return 401, _error("Unauthorized", "UNAUTHENTICATED")
        try:
            request = json.loads(raw)
            query, variables = request["query"], request.get("variables") or {}
        except (ValueError, KeyError, TypeError):
            return 400, _error("Must provide query string.", "BAD_REQUEST")
        with self._lock:
            self.requests.append(request)
        if "registerTrackWebhook" in query:
            return 200, self._register(variables.get("input") or {})
        if "track(" in query:
            return 200, self._track(variables.get("carrierId", ""), variables.get("trackingNumber", ""))
        return 400, _error("Unknown operation", "BAD_REQUEST")

    def _track(self, carrier_id: str, tracking_number: str) -> dict:
        if carrier_id not in CARRIERS:
            return _error("Carrier not found", "NOT_FOUND", field="track")
        with self._lock:
            if self.journey:
                self.parcels.setdefault((carrier_id, tracking_number), Parcel())
            parcel = self.parcels.get((carrier_id, tracking_number))
            events = list(parcel.events) if parcel else None
        if events is None:
            return _error("운송장 정보를 찾을 수 없습니다.", "NOT_FOUND", field="track")
        delivered = [event for event in events if event["status"]["code"] == "DELIVERED"]
        last = delivered[-1] if delivered else (events[-1] if events else None)
        return {
            "data": {
                "track": {
                    "trackingNumber": tracking_number,
                    "lastEvent": last,
                    "events": {
                        "edges": [
                            {"node": event, "cursor": str(index)} for index, event in enumerate(events)
                        ],
                        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False},
                    },
                }
            }
        }

    def _register(self, payload: dict) -> dict:
        carrier_id, number = payload.get("carrierId", ""), payload.get("trackingNumber", "")
        callback, expiration = payload.get("callbackUrl", ""), payload.get("expirationTime", "")
        if carrier_id not in CARRIERS:
            return _error("Carrier not found", "NOT_FOUND", field="registerTrackWebhook")
        try:
            expires = datetime.datetime.fromisoformat(expiration.replace("Z", "+00:00"))
        except ValueError:
            return _error("Invalid expirationTime", "BAD_REQUEST", field="registerTrackWebhook")
        if not callback.startswith(("http://", "https://")):
            return _error("Invalid callbackUrl", "BAD_REQUEST", field="registerTrackWebhook")
        with self._lock:
            parcel = self.parcels.setdefault((carrier_id, number), Parcel())
            parcel.webhooks = [(url, when) for url, when in parcel.webhooks if url != callback]
            parcel.webhooks.append((callback, expires))
        return {"data": {"registerTrackWebhook": True}}


def _error(message: str, code: str, *, field: str | None = None) -> dict:
    body: dict = {"errors": [{"message": message, "extensions": {"code": code}}]}
    if field:
        body["data"] = {field: None}
    return body

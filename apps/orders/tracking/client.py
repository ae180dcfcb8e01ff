"""Parcel tracking through Delivery Tracker (tracker.delivery), spoken as it is: GraphQL over HTTP.

``track(carrierId, trackingNumber)`` answers the parcel's events (oldest first) and ``lastEvent``, the most
likely current state (which the service may rank above the newest event, e.g. DELIVERED over a late
OUT_FOR_DELIVERY). ``registerTrackWebhook`` asks it to POST ``{carrierId, trackingNumber}`` to a callback
when the parcel moves; the callback is a nudge only, and the shop calls ``track`` again to learn what moved.
Errors come in the GraphQL ``errors`` list with ``extensions.code`` (``NOT_FOUND``, ``BAD_REQUEST``,
``INTERNAL``...).

Off unless ``DELIVERY_TRACKER_CLIENT_ID`` is set: ``tracker()`` is then None and shipments move only when a
seller or staff says so.
"""

import datetime
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils.dateparse import parse_datetime

TRACK_QUERY = """
query Track($carrierId: ID!, $trackingNumber: String!) {
  track(carrierId: $carrierId, trackingNumber: $trackingNumber) {
    trackingNumber
    lastEvent { time status { code name } description location { name } }
    events(last: 50) {
      edges { node { time status { code name } description location { name } } }
    }
  }
}
"""

REGISTER_WEBHOOK_MUTATION = """
mutation RegisterTrackWebhook($input: RegisterTrackWebhookInput!) {
  registerTrackWebhook(input: $input)
}
"""


class TrackingError(Exception):
    """The service refused (``code`` from its ``extensions``) or could not be reached (``code`` "UNREACHABLE")."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class TrackEvent:
    status: str  # TrackEventStatusCode: INFORMATION_RECEIVED, AT_PICKUP, IN_TRANSIT, ..., DELIVERED
    time: datetime.datetime | None
    description: str
    location: str


@dataclass(frozen=True)
class TrackInfo:
    tracking_number: str
    last_event: TrackEvent | None
    events: tuple[TrackEvent, ...]

    @property
    def is_delivered(self) -> bool:
        return self.last_event is not None and self.last_event.status == "DELIVERED"


def _event(node: dict | None) -> TrackEvent | None:
    if not node:
        return None
    status = (node.get("status") or {}).get("code") or "UNKNOWN"
    when = parse_datetime(node["time"]) if node.get("time") else None
    return TrackEvent(
        status=status,
        time=when,
        description=node.get("description") or "",
        location=(node.get("location") or {}).get("name") or "",
    )


class DeliveryTracker:
    def __init__(self, *, url: str, client_id: str, client_secret: str, timeout: float):
        self.url = url
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"TRACKQL-API-KEY {client_id}:{client_secret}"

    def _call(self, query: str, variables: dict) -> dict:
        try:
            response = self.session.post(
                self.url, json={"query": query, "variables": variables}, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise TrackingError(str(error), code="UNREACHABLE") from error
        try:
            body = response.json()
        except ValueError as error:
            raise TrackingError(f"HTTP {response.status_code}", code="UNREACHABLE") from error
        if body.get("errors"):
            first = body["errors"][0]
            raise TrackingError(
                first.get("message", ""), code=(first.get("extensions") or {}).get("code", "UNKNOWN")
            )
        if response.status_code >= 400 or "data" not in body:
            raise TrackingError(f"HTTP {response.status_code}", code="UNREACHABLE")
        return body["data"]

    def track(self, *, carrier_id: str, tracking_number: str) -> TrackInfo:
        data = self._call(TRACK_QUERY, {"carrierId": carrier_id, "trackingNumber": tracking_number})
        info = data.get("track")
        if info is None:
            raise TrackingError("no tracking information", code="NOT_FOUND")
        edges = (info.get("events") or {}).get("edges") or []
        events = tuple(event for edge in edges if (event := _event((edge or {}).get("node"))))
        return TrackInfo(
            tracking_number=info.get("trackingNumber") or tracking_number,
            last_event=_event(info.get("lastEvent")),
            events=events,
        )

    def register_webhook(
        self, *, carrier_id: str, tracking_number: str, callback_url: str, expires_at: datetime.datetime
    ) -> bool:
        payload = {
            "carrierId": carrier_id,
            "trackingNumber": tracking_number,
            "callbackUrl": callback_url,
            "expirationTime": expires_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        }
        return bool(self._call(REGISTER_WEBHOOK_MUTATION, {"input": payload}).get("registerTrackWebhook"))


def tracker() -> DeliveryTracker | None:
    """The configured tracking service, or None when it is off (no client id)."""
    if not settings.DELIVERY_TRACKER_CLIENT_ID:
        return None
    return DeliveryTracker(
        url=settings.DELIVERY_TRACKER_URL,
        client_id=settings.DELIVERY_TRACKER_CLIENT_ID,
        client_secret=settings.DELIVERY_TRACKER_CLIENT_SECRET,
        timeout=settings.DELIVERY_TRACKER_TIMEOUT,
    )

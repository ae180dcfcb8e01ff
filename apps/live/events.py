"""The events live handles (``apps.core.events``): its own, which run the work a request should not wait
for, other modules' that give live coupons back and offer returned units to the chat-order waitlist, and a
withdrawal that takes a member's name off the chat."""

from apps.accounts.services import WITHDRAWN_NAME
from apps.core.events import subscribe
from apps.live.room import services as room_services
from apps.live.services import alarms, claims, replay
from apps.live.services.broadcasts import (
    BROADCAST_ENDED,
    BROADCAST_STARTED,
    BROADCAST_STOPPED,
    broadcast_stop_notify,
)
from apps.orders import selectors as orders_selectors
from apps.orders import services as orders_services
from apps.orders.models import Order


@subscribe(BROADCAST_STARTED)
def alarms_notify_on_start(*, event: str, payload: dict) -> None:
    """Mail every "알림 받기" subscriber once (a retried handler skips those already mailed)."""
    alarms.broadcast_alarms_notify(broadcast_id=payload["broadcast_id"])


@subscribe(BROADCAST_STOPPED)
def stop_notice_mail(*, event: str, payload: dict) -> None:
    """The seller learns by mail why staff took the show off the air (the studio shows it too)."""
    broadcast_stop_notify(broadcast_id=payload["broadcast_id"])


@subscribe(BROADCAST_ENDED)
def waitlist_close_on_end(*, event: str, payload: dict) -> None:
    """Chat-order claims still waiting when the show ends lapse: no unit will be offered to them."""
    claims.waitlist_close(broadcast_id=payload["broadcast_id"])


@subscribe(replay.REPLAY_REQUESTED)
def replay_make_on_request(*, event: str, payload: dict) -> None:
    replay.broadcast_replay_make(broadcast_id=payload["broadcast_id"])


@subscribe(orders_services.STOCK_HOLD_RELEASED)
def coupons_return_for_released_hold(*, event: str, payload: dict) -> None:
    room_services.coupons_return(hold_ids=[payload["hold_id"]])


@subscribe(orders_services.STOCK_HOLD_RELEASED)
def waitlist_offer_for_released_hold(*, event: str, payload: dict) -> None:
    """Units an expired (or given back) hold returns go to its option's chat-order waitlist, in order."""
    claims.waitlist_offer_for_hold(hold_id=payload["hold_id"])


@subscribe(f"order.{Order.Status.CANCELLED}")
def coupons_return_for_unpaid_order(*, event: str, payload: dict) -> None:
    """An order placed from an on-air hold and cancelled before it was paid (expired, or cancelled by the
    shopper) gives the live coupon back; a paid order's refund does not."""
    if payload.get("from_status") != Order.Status.PENDING:
        return
    room_services.coupons_return(
        hold_ids=orders_selectors.stock_hold_ids_of_order(order_id=payload["order_id"])
    )


@subscribe("account.withdrawn")
def chat_names_anonymise_on_withdrawal(*, event: str, payload: dict) -> None:
    """The withdrawn member's chat lines stay (the room's record) but no longer carry the member's name."""
    room_services.chat_names_anonymise(user_id=payload["user_id"], name=WITHDRAWN_NAME)

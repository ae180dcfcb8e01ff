"""Live broadcasts: what a seller airs, the products on sale in it, the moments products were presented
(pins, the replay's chapters) and the shoppers waiting for it to start (alarms).

A broadcast goes 예정 → 라이브 → 종료 and never back on its own: the media server's ``on_publish`` moves it
to live (``services.broadcast_publish_start``); ``on_publish_done`` starts the reconnect grace (still live,
"잠시 연결이 끊겼어요"), and the broadcast ends when the grace runs out or the host ends it. Each publish is a
``BroadcastPart`` with its own recording. Every write is in ``apps.live.services``.
"""

from apps.live.models.broadcasts import (
    Broadcast,
    BroadcastAlarm,
    BroadcastPart,
    BroadcastPin,
    BroadcastProduct,
    BroadcastViewerSample,
)
from apps.live.models.chat import (
    BroadcastModerator,
    ChatClaim,
    ChatMessage,
    ChatMute,
    ChatQuestion,
    ChatRoomSettings,
    LiveCoupon,
    LiveCouponClaim,
)
from apps.live.models.reports import ModerationAction, ViewerReport

__all__ = [
    "Broadcast",
    "BroadcastAlarm",
    "BroadcastModerator",
    "BroadcastPart",
    "BroadcastPin",
    "BroadcastProduct",
    "BroadcastViewerSample",
    "ChatClaim",
    "ChatMessage",
    "ChatMute",
    "ChatQuestion",
    "ChatRoomSettings",
    "LiveCoupon",
    "LiveCouponClaim",
    "ModerationAction",
    "ViewerReport",
]

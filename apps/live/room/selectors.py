"""The room's reads, under the name the consumer and the ticker use."""

from apps.live.chat_selectors import (
    chat_history,
    chat_messages_since,
    display_name_of,
    may_moderate,
    room_snapshot,
    room_welcome,
)

__all__ = [
    "chat_history",
    "chat_messages_since",
    "display_name_of",
    "may_moderate",
    "room_snapshot",
    "room_welcome",
]

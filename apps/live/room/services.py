"""The room's writes (chat, moderation, coupons), under the name the consumer and the bench use."""

from apps.live.chat import (
    UNAVAILABLE_MESSAGE,
    ChatRefused,
    broadcast_moderator_set,
    chat_announcement_set,
    chat_banned_words_set,
    chat_message_delete,
    chat_message_post,
    chat_slow_mode_set,
    chat_user_mute,
    coupon_drop,
)

__all__ = [
    "UNAVAILABLE_MESSAGE",
    "ChatRefused",
    "broadcast_moderator_set",
    "chat_announcement_set",
    "chat_banned_words_set",
    "chat_message_delete",
    "chat_message_post",
    "chat_slow_mode_set",
    "chat_user_mute",
    "coupon_drop",
]

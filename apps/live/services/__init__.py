"""Every write of the live module, one file per concept. Inside live, import from the concept's file; this
package re-exports the names that other modules, the room transport and the tests use.

- ``broadcasts``: schedule, edit, stream key, the media server's publish gate, the reconnect grace, end,
  staff's stop with a reason (and the seller's mail), reopen
- ``replay``: each publish's closed recording and the VOD replay joined from them
- ``onair``: products on air, pins, 품절
- ``holds``: the on-air hold (바로 구매 pressed in the room)
- ``alarms``: "알림 받기" and the mail when a broadcast goes live
- ``audience``: viewer samples and likes
- ``cards``: the one place live tells the catalog its cached pages changed
The room's own writes (messages, moderation, live coupons) are ``apps.live.room.services``.
"""

from apps.live.keys import VIEWER_SAMPLE_SECONDS
from apps.live.services.alarms import broadcast_alarm_set, broadcast_alarms_notify
from apps.live.services.audience import broadcast_likes_add, broadcast_viewers_sample, viewer_sample_slot
from apps.live.services.broadcasts import (
    PublishRefused,
    broadcast_create,
    broadcast_end,
    broadcast_grace_check,
    broadcast_publish_start,
    broadcast_publish_stop,
    broadcast_reopen,
    broadcast_save,
    broadcast_stop,
    broadcast_stop_notify,
    broadcast_stream_key_regenerate,
    broadcasts_grace_sweep,
    may_broadcast,
)
from apps.live.services.holds import onair_hold_place
from apps.live.services.onair import (
    broadcast_product_add,
    broadcast_product_pin,
    broadcast_product_remove,
    broadcast_product_sold_out_set,
    broadcast_product_unpin,
)
from apps.live.services.replay import broadcast_recording_done, broadcast_replay_make

__all__ = [
    "VIEWER_SAMPLE_SECONDS",
    "PublishRefused",
    "broadcast_alarm_set",
    "broadcast_alarms_notify",
    "broadcast_create",
    "broadcast_end",
    "broadcast_grace_check",
    "broadcast_likes_add",
    "broadcast_product_add",
    "broadcast_product_pin",
    "broadcast_product_remove",
    "broadcast_product_sold_out_set",
    "broadcast_product_unpin",
    "broadcast_publish_start",
    "broadcast_publish_stop",
    "broadcast_recording_done",
    "broadcast_reopen",
    "broadcast_replay_make",
    "broadcast_save",
    "broadcast_stop",
    "broadcast_stop_notify",
    "broadcast_stream_key_regenerate",
    "broadcast_viewers_sample",
    "broadcasts_grace_sweep",
    "may_broadcast",
    "onair_hold_place",
    "viewer_sample_slot",
]

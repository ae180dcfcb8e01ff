"""The moderation log: one row per act, written inside the act's own transaction (kept or rolled back with it).

Below both the room's services (a moderator's delete and mute) and the staff queue's, so both log the same way.
"""

from datetime import datetime

from apps.live.models import ModerationAction


def action_log(
    *,
    actor,
    action: str,
    target_user_id: int | None = None,
    broadcast_id: int | None = None,
    message_id: int | None = None,
    report_id: int | None = None,
    reason: str = "",
    until: datetime | None = None,
) -> ModerationAction:
    """Record who did ``action`` (``ModerationAction.Action``) to whom, where and why; call inside the act's
    transaction."""
    return ModerationAction.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_user_id=target_user_id,
        broadcast_id=broadcast_id,
        message_id=message_id,
        report_id=report_id,
        reason=reason[:200],
        until=until,
    )

"""Runtime settings with a history: every change of a django-constance setting is kept (who, when, old and
new value), and staff restore any earlier value through the same path, so the restore is a change too.

How a change is caught: constance's backends send ``constance.signals.config_updated`` from every write
(``config.NAME = value``: the admin's 운영 설정 form, a restore, a service, a command), with the key and the
old and new values; ``ReportsConfig.ready`` connects ``runtime_setting_change_record`` to it. The member
comes from ``apps.core.actor`` (the request's user, set by its middleware, or ``acting_as`` in a service).
constance also writes a setting's default on the first read of a setting never stored: that is nobody's
change and is not kept.
"""

import contextlib
import contextvars
import dataclasses
from collections.abc import Iterator

from constance import codecs
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet

from apps.core.actor import acting_as, current_actor
from apps.reports.models import RuntimeSettingChange

HISTORY_SHOWN = 200
_restoring: contextvars.ContextVar = contextvars.ContextVar("runtime_setting_restoring", default=None)


def _encode(value) -> str:
    return codecs.dumps(value)


def value_decode(text: str):
    return codecs.loads(text)


def value_label(value) -> str:
    """A value as staff read it in the history (booleans in Korean)."""
    if isinstance(value, bool):
        return "켜짐" if value else "꺼짐"
    return str(value)


# ---- Writes -------------------------------------------------------------------------------------------


def runtime_setting_change_record(sender=None, *, key: str, old_value, new_value, **kwargs):
    """``config_updated``'s receiver: keep one row per real change (not constance storing a default on its
    first read, not a value written again unchanged). Returns the row, or None when nothing changed."""
    declared = settings.CONSTANCE_CONFIG.get(key)
    if declared is None:
        return None
    old_was_default = old_value is None
    before = declared[0] if old_was_default else old_value
    if new_value == before:
        return None
    actor = current_actor()
    return RuntimeSettingChange.objects.create(
        key=key,
        old_value=_encode(before),
        new_value=_encode(new_value),
        old_was_default=old_was_default,
        actor=actor,
        actor_name=(actor.get_username() if actor else "")[:150],
        restored_from_id=_restoring.get(),
    )


@contextlib.contextmanager
def _restoring_from(change_id: int) -> Iterator[None]:
    token = _restoring.set(change_id)
    try:
        yield
    finally:
        _restoring.reset(token)


def runtime_setting_restore(*, change_id: int, which: str, actor) -> RuntimeSettingChange:
    """Put a setting back to a value of its history: ``which`` is ``old`` (the value before that change) or
    ``new`` (the value that change set). Written through constance like any change, so it is recorded (with
    ``restored_from``) and every process reads it on its next request. Staff only."""
    if not (actor and actor.is_active and actor.is_staff):
        raise PermissionDenied("운영자만 운영 설정을 되돌릴 수 있어요.")
    if which not in ("old", "new"):
        raise ValidationError("되돌릴 값을 고르지 못했어요.")
    change = RuntimeSettingChange.objects.filter(pk=change_id).first()
    if change is None:
        raise ValidationError("변경 기록을 찾을 수 없어요.")
    if change.key not in settings.CONSTANCE_CONFIG:
        raise ValidationError("지금은 없는 설정이라 되돌릴 수 없어요.")
    from constance import config

    value = value_decode(change.old_value if which == "old" else change.new_value)
    if getattr(config, change.key) == value:
        raise ValidationError(f"{change.key}은(는) 이미 {value_label(value)}(으)로 설정되어 있어요.")
    with acting_as(actor), _restoring_from(change.pk):
        setattr(config, change.key, value)
    recorded = RuntimeSettingChange.objects.filter(restored_from=change).order_by("-id").first()
    if recorded is None:  # pragma: no cover - the receiver is connected at start-up
        raise ValidationError("되돌린 값을 기록하지 못했어요.")
    return recorded


# ---- Reads --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ChangeRow:
    change: RuntimeSettingChange
    label: str
    old: str
    new: str
    actor: str
    current: bool  # the setting's latest change, and its value is the one in force


def runtime_setting_changes(*, key: str = "", limit: int = HISTORY_SHOWN) -> QuerySet[RuntimeSettingChange]:
    changes = RuntimeSettingChange.objects.select_related("actor", "restored_from").order_by(
        "-changed_at", "-id"
    )
    if key:
        changes = changes.filter(key=key)
    return changes[:limit]


def runtime_setting_history(*, key: str = "", limit: int = HISTORY_SHOWN) -> list[ChangeRow]:
    """The latest changes, newest first, ready for the staff page (labels, values, who)."""
    from constance import config

    changes = list(runtime_setting_changes(key=key, limit=limit))
    keys = {change.key for change in changes if change.key in settings.CONSTANCE_CONFIG}
    current = {name: getattr(config, name) for name in keys}
    rows = []
    seen = set()
    for change in changes:
        new = value_decode(change.new_value)
        latest = change.key not in seen
        seen.add(change.key)
        declared = settings.CONSTANCE_CONFIG.get(change.key)
        rows.append(
            ChangeRow(
                change=change,
                label=str(declared[1]).split(":")[0] if declared else change.key,
                old=value_label(value_decode(change.old_value))
                + (" (기본값)" if change.old_was_default else ""),
                new=value_label(new),
                actor=(change.actor.get_username() if change.actor else change.actor_name) or "시스템",
                current=latest and change.key in current and current[change.key] == new,
            )
        )
    return rows

"""Broadcast times the way Korean shopping apps print them: ``11/27 (금) 20:00``, ``11월 27일 (금) 오후 8:00``."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()

WEEKDAYS = "월화수목금토일"


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def when_short(value: datetime | None) -> str:
    if not value:
        return ""
    value = _local(value)
    return f"{value.month}/{value.day} ({WEEKDAYS[value.weekday()]}) {value:%H:%M}"


@register.filter
def when_long(value: datetime | None) -> str:
    if not value:
        return ""
    value = _local(value)
    noon = "오전" if value.hour < 12 else "오후"
    hour = value.hour % 12 or 12
    return f"{value.month}월 {value.day}일 ({WEEKDAYS[value.weekday()]}) {noon} {hour}:{value:%M}"

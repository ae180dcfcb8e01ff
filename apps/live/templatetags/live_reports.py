"""``{% report_reasons as reasons %}``: the reasons a viewer picks from when reporting, as (value, label)."""

from django import template

from apps.live.models import ViewerReport

register = template.Library()


@register.simple_tag
def report_reasons() -> list[tuple[str, str]]:
    return list(ViewerReport.Reason.choices)

"""``{% personal "kind" argument %}``: what a page shows of the member viewing it (``apps.core.personal``).

In a page shared by all members it writes a mark that each request fills with its member's value; in a page
rendered for one user it writes that user's value at once.
"""

from django import template
from django.utils.safestring import mark_safe

from apps.core.personal import personal_mark, personal_value

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, kind: str, argument="") -> str:
    if context.get("personal_shared"):
        return mark_safe(personal_mark(kind, argument))
    request = context.get("request")
    if request is None:
        return ""
    return mark_safe(personal_value(request, kind, argument))  # escaped by personal_value

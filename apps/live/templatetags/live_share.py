from django import template

from apps.live.share import broadcast_preview

register = template.Library()


@register.simple_tag
def broadcast_share(broadcast, items, cover_url):
    """``{% broadcast_share broadcast items cover_url as preview %}{% share_meta preview %}`` in the head."""
    return broadcast_preview(broadcast, items=items, cover_url=cover_url)

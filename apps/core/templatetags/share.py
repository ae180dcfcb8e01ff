"""``{% share_meta preview %}``: a ``SharePreview`` as the head's canonical link, OpenGraph and Twitter tags and
its JSON-LD (escaped for a script element)."""

from django import template

from apps.core.share import SITE_NAME, SharePreview, jsonld_script

register = template.Library()


@register.inclusion_tag("components/share_meta.html")
def share_meta(preview: SharePreview) -> dict:
    return {
        "share": preview,
        "site_name": SITE_NAME,
        "jsonld": jsonld_script(preview.jsonld) if preview.jsonld else "",
    }

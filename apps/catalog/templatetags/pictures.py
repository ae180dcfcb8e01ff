"""``{% picture %}``: a product picture as ``<picture>`` with AVIF/WebP srcsets, or a plain ``<img>`` of the
thumbnail or the original while its renditions are not made yet (the page never waits for them)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from apps.catalog.selectors.pictures import renditions_srcset

register = template.Library()

# Best first: a browser takes the first <source> whose type it can decode.
SOURCE_TYPES = (("avif", "image/avif"), ("webp", "image/webp"))
# Cards of a list by their place in it (``rank``, 1-based): the first row on a phone (two columns) is the
# likely LCP and is fetched first; the rest of a desktop's first row (up to five columns) is fetched at once.
PRIORITY_RANKS = 2
EAGER_RANKS = 5


def _attributes(attrs: dict) -> SafeString:
    """Extra attributes: ``data_gallery_slide=0`` → ``data-gallery-slide="0"``; True → bare; False, None → none."""
    bare = [(name.replace("_", "-"),) for name, value in attrs.items() if value is True]
    # By identity: 0 (a first slide's index) is a value, not False.
    valued = [
        (name.replace("_", "-"), value)
        for name, value in attrs.items()
        if not (value is True or value is False or value is None)
    ]
    return format_html_join("", " {}", bare) + format_html_join("", ' {}="{}"', valued)


@register.simple_tag
def picture(
    src: str,
    renditions: dict | None = None,
    *,
    sizes: str,
    width: int,
    height: int,
    alt: str = "",
    priority: bool = False,
    eager: bool = False,
    rank: int = 0,
    below_fold: bool = False,
    **attrs,
) -> SafeString:
    """A picture ``width``×``height`` (its box, for the layout before it loads) shown at ``sizes``.

    ``priority``: the page's LCP picture (eager, ``fetchpriority="high"``); ``eager``: above the fold;
    ``rank``: a card's place in its list (see PRIORITY_RANKS, EAGER_RANKS), unless the whole list is
    ``below_fold``. Otherwise lazy and decoded off the main thread. Other keywords become attributes of the
    ``<img>``.
    """
    if rank and not below_fold:
        priority = priority or rank <= PRIORITY_RANKS
        eager = eager or rank <= EAGER_RANKS
    loading = mark_safe(
        ' fetchpriority="high"' if priority else "" if eager else ' loading="lazy" decoding="async"'
    )
    img = format_html(
        '<img src="{}" alt="{}" width="{}" height="{}"{}{}>',
        src,
        alt,
        width,
        height,
        loading,
        _attributes(attrs),
    )
    renditions = renditions or {}
    sources = [
        (mime, renditions_srcset(renditions, fmt), sizes) for fmt, mime in SOURCE_TYPES if renditions.get(fmt)
    ]
    if not sources:
        return img
    return format_html(
        "<picture>{}{}</picture>",
        format_html_join("", '<source type="{}" srcset="{}" sizes="{}">', sources),
        img,
    )

"""What a shared link shows: absolute addresses on ``SITE_URL``, the OpenGraph/Twitter tags of a page, and
schema.org data as JSON-LD. Modules build the values (``catalog/share.py``, ``live/share.py``); this knows the
formats.

Crawlers (KakaoTalk, Facebook, search engines) fetch the page from outside: every address they get must be
absolute, on the public address the site is served at (``SITE_URL``), never the request's own host.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

SITE_NAME = "TriMarket"

# Inside <script> only "<", ">" and "&" can end the element or open a comment: escaped as JSON's \uXXXX, the
# data still parses to the same text (what Django's json_script does, for a script of another type).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute_url(path_or_url: str) -> str:
    """``/p/1/`` → ``https://shop.example/p/1/``; an address that already has a host is kept."""
    if not path_or_url or urlsplit(path_or_url).netloc:
        return path_or_url
    return settings.SITE_URL.rstrip("/") + "/" + path_or_url.lstrip("/")


@dataclass
class SharePreview:
    """One page's preview: ``extra`` holds further OpenGraph properties (``product:price:amount`` …)."""

    title: str
    description: str
    path: str
    image: str = ""
    og_type: str = "website"
    extra: list[tuple[str, str]] = field(default_factory=list)
    jsonld: dict | None = None

    @property
    def url(self) -> str:
        return absolute_url(self.path)

    @property
    def image_url(self) -> str:
        return absolute_url(self.image)


def jsonld_script(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))


def iso_time(value: datetime.datetime) -> str:
    """Seoul time to the second with its offset (``2026-12-08T20:00:00+09:00``), as schema.org dates read."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def description_cut(text: str, limit: int = 150) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

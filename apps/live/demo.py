"""The demo broadcasts of `make run`, all by the `seller` demo account: one that goes really live (the
``demo-stream`` process pushes an ffmpeg test pattern into it), a few scheduled ones and two ended ones with
a replay made from a short generated recording, with "이 순간 상품" chapters.

Idempotent: broadcasts are found by seller and title; a second run only puts the live one back on the
schedule if it ended.
"""

import colorsys
import datetime
import io
import subprocess
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageOps

from apps.catalog.models import Category, Product
from apps.live.models import Broadcast, BroadcastPin
from apps.live.services import broadcasts, onair, replay

ORDER = 40
SELLER = "seller"
LIVE_TITLE = "봄 신상 원피스 라이브 특가 · 지금 입어보는 중"
REPLAY_SECONDS = 24
COVER_SIZE = (600, 800)


# (title, category slug, days from today, hour, product count, cover hue, state)
BROADCASTS = [
    (LIVE_TITLE, "dress", 0, None, 5, 0.92, "live"),
    ("수분 폭탄 토너패드 1+1 런칭 방송", "beauty", 1, 20, 4, 0.55, "scheduled"),
    ("캠핑 가기 전 필수템 총정리", "sports-camping", 2, 19, 4, 0.30, "scheduled"),
    ("남성 셔츠 룩북 · 출근룩 5가지", "fashion-men", 4, 21, 4, 0.62, "scheduled"),
    ("신상 니트 입어보기 · 사이즈 고민 해결", "knit", -1, 20, 4, 0.08, "ended"),
    ("데일리 가방 언박싱 라이브", "bag", -3, 19, 3, 0.75, "ended"),
]


def _quiet(iterable, desc: str):
    return iterable


def _cover(products: list[Product], hue: float) -> ContentFile:
    """A 3:4 cover like the apps' broadcast cards: a vivid gradient with the products fanned out on it."""
    width, height = COVER_SIZE
    top = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.62, 0.75))
    bottom = tuple(round(c * 255) for c in colorsys.hls_to_rgb((hue + 0.08) % 1, 0.30, 0.70))
    ramp = Image.linear_gradient("L").resize((width, height))
    cover = Image.composite(Image.new("RGB", COVER_SIZE, bottom), Image.new("RGB", COVER_SIZE, top), ramp)
    draw = ImageDraw.Draw(cover, "RGBA")
    for index, (x, y, radius) in enumerate(((0.15, 0.18, 0.22), (0.88, 0.30, 0.16), (0.78, 0.86, 0.26))):
        alpha = 46 - index * 8
        draw.ellipse(
            (
                width * x - width * radius,
                height * y - width * radius,
                width * x + width * radius,
                height * y + width * radius,
            ),
            fill=(255, 255, 255, alpha),
        )
    side = int(width * 0.46)
    pictures = []
    for product in products[:3]:
        image = product.images.order_by("position", "id").first()
        if image is None:
            continue
        with default_storage.open((image.thumbnail or image.image).name) as source:
            picture = ImageOps.fit(Image.open(source).convert("RGB"), (side, side))
        mask = Image.new("L", (side, side), 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, side, side), radius=side // 8, fill=255)
        framed = Image.new("RGBA", (side + 16, side + 16), (255, 255, 255, 0))
        ImageDraw.Draw(framed).rounded_rectangle(
            (0, 0, side + 15, side + 15), radius=side // 7, fill=(255, 255, 255, 255)
        )
        framed.paste(picture, (8, 8), mask)
        pictures.append(framed)
    spots = [(-9, 0.08, 0.30), (7, 0.46, 0.24), (-3, 0.27, 0.48)]
    for framed, (angle, x, y) in zip(pictures, spots, strict=False):
        turned = framed.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
        cover.paste(turned, (int(width * x), int(height * y)), turned)
    buffer = io.BytesIO()
    cover.save(buffer, format="JPEG", quality=84, optimize=True)
    return ContentFile(buffer.getvalue(), name="cover.jpg")


def _products(slug: str, count: int, *, seller) -> list[Product]:
    """The demo seller's own best sellers, those of the category first: a seller puts only its own products
    on air, and a small demo catalog may give its shop few of them in one category."""
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        return []
    own = Product.objects.filter(status=Product.Status.ON_SALE, seller__user=seller).order_by(
        "-sales_count", "id"
    )
    chosen = list(own.filter(category__path__startswith=category.path)[:count])
    chosen += list(own.exclude(pk__in=[product.pk for product in chosen])[: count - len(chosen)])
    return chosen


def _recording(path: Path, *, seconds: int) -> bool:
    """A short FLV like the media server records (test pattern and a tone); False when ffmpeg is missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        settings.FFMPEG_BINARY,
        *("-hide_banner", "-loglevel", "error", "-y", "-nostdin"),
        *("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=660"),
        *("-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-pix_fmt", "yuv420p"),
        *("-c:a", "aac", "-f", "flv", str(path)),
    ]
    try:
        return subprocess.run(command, capture_output=True, timeout=120).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _air_in_the_past(broadcast: Broadcast, *, started_at: datetime.datetime) -> None:
    """Take an ended demo broadcast through the real publish flow, then date it and its pins back."""
    broadcasts.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    items = list(broadcast.items.all())
    for item in items:
        onair.broadcast_product_pin(item=item)
    broadcasts.broadcast_end(broadcast=broadcast)
    step = REPLAY_SECONDS / (len(items) + 1)
    for index, pin in enumerate(broadcast.pins.order_by("id"), start=1):
        BroadcastPin.objects.filter(pk=pin.pk).update(
            offset_seconds=round(index * step - 2, 1),
            pinned_at=started_at + datetime.timedelta(seconds=index * step),
        )
    Broadcast.objects.filter(pk=broadcast.pk).update(
        started_at=started_at, ended_at=started_at + datetime.timedelta(minutes=58)
    )
    broadcast.parts.update(started_at=started_at, stopped_at=started_at + datetime.timedelta(minutes=58))
    recording = Path(settings.LIVE_MEDIA_SERVER_DIR) / "demo-recordings" / f"{broadcast.public_name}.flv"
    if _recording(recording, seconds=REPLAY_SECONDS):
        replay.broadcast_recording_done(public_name=broadcast.public_name, path=str(recording))


def load(*, progress=_quiet) -> list:
    seller = get_user_model().objects.filter(username=SELLER).first()
    if seller is None:
        return []
    today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for title, slug, days, hour, count, hue, state in progress(BROADCASTS, desc="데모 라이브"):
        broadcast = Broadcast.objects.filter(seller=seller, title=title).first()
        if broadcast is not None:
            continue
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            continue
        when = today + datetime.timedelta(days=days)
        if hour is not None:
            when = when.replace(hour=hour)
        products = _products(slug, count, seller=seller)
        with transaction.atomic():
            broadcast = broadcasts.broadcast_create(
                seller=seller,
                title=title,
                category=category,
                scheduled_at=when,
                description=f"{category.name} 라이브: 방송 중에만 열리는 특가와 실시간 Q&A.",
                cover=_cover(products, hue),
            )
            for index, product in enumerate(products):
                discount = (10 + 5 * (index % 3)) if index % 2 == 0 else 0
                live_price = product.sale_price * (100 - discount) // 100 // 100 * 100 if discount else None
                onair.broadcast_product_add(broadcast=broadcast, product=product, live_price=live_price)
        if state == "ended":
            _air_in_the_past(broadcast, started_at=when)
    live_broadcast_ready()
    return []


def live_broadcast_ready() -> Broadcast | None:
    """The broadcast the demo stream pushes into, put back on the schedule if an earlier airing ended."""
    broadcast = Broadcast.objects.filter(seller__username=SELLER, title=LIVE_TITLE).first()
    if broadcast is not None and broadcast.is_ended:
        broadcast = broadcasts.broadcast_reopen(broadcast=broadcast)
    return broadcast

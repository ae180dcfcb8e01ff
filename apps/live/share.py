"""A broadcast's share preview: whether it is on air, coming or a replay, what it sells from how much, and
schema.org ``VideoObject`` data whose ``publication`` is the ``BroadcastEvent`` (apps.core.share)."""

from apps.core.share import SharePreview, absolute_url, description_cut, iso_time
from apps.live.models import Broadcast
from apps.live.selectors import ItemCard
from apps.live.templatetags.live_time import when_long


def _status_label(broadcast: Broadcast) -> str:
    if broadcast.is_live:
        return "LIVE 방송 중"
    if broadcast.is_scheduled:
        return f"{when_long(broadcast.scheduled_at)} 방송 예정"
    return "다시보기" if broadcast.has_replay else "방송 종료"


def broadcast_preview(broadcast: Broadcast, *, items: list[ItemCard], cover_url: str) -> SharePreview:
    host = broadcast.seller.name or broadcast.seller.username
    status = _status_label(broadcast)
    parts = [status, host]
    if items:
        parts.append(f"상품 {len(items)}개 · {min(item.price for item in items):,}원부터")
    lead = " · ".join(parts)
    description = description_cut(f"{lead} · {broadcast.description}" if broadcast.description else lead)
    image = cover_url or next((item.card.image_url for item in items if item.card.image_url), "")
    url = absolute_url(broadcast.get_absolute_url())
    event = {
        "@type": "BroadcastEvent",
        "name": broadcast.title,
        # Every TriMarket broadcast is (or was, or will be) streamed live: a replay is its recording.
        "isLiveBroadcast": True,
        "startDate": iso_time(broadcast.started_at or broadcast.scheduled_at),
    }
    if broadcast.is_ended and broadcast.ended_at:
        event["endDate"] = iso_time(broadcast.ended_at)
    data = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": broadcast.title,
        "description": description,
        "url": url,
        "uploadDate": iso_time(broadcast.created_at),
        "publication": event,
    }
    if image:
        data["thumbnailUrl"] = [absolute_url(image)]
    extra = [("og:video:release_date", iso_time(broadcast.started_at or broadcast.scheduled_at))]
    return SharePreview(
        title=f"[{'LIVE' if broadcast.is_live else status}] {broadcast.title}",
        description=description,
        path=broadcast.get_absolute_url(),
        image=image,
        og_type="video.other",
        extra=extra,
        jsonld=data,
    )

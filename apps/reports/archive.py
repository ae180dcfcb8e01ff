"""Archiving of old operational data: rows written to gzip JSON lines, then deleted, in small chunks.

Each source names a table and the rows of it that are done with (``ArchiveSource.rows(cutoff)``). A chunk
of at most ``REPORTS_ARCHIVE_CHUNK_SIZE`` rows is read, appended to
``REPORTS_ARCHIVE_DIR/<table>/<day>.jsonl.gz`` (one JSON object per line, every concrete field by column
name; a file may hold several gzip members, which ``gunzip`` and ``gzip.open`` read as one), flushed to
disk, and only then deleted by primary key in its own short transaction. No transaction spans two chunks,
so a run never holds locks for long; a crash between the write and the delete leaves those rows in the
archive and the table, and the next run writes them again (at least once, never lost).

This is the one place reports deletes another module's rows, and only rows it has just archived.
"""

import gzip
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from apps.accounts.models import EmailVerification
from apps.live.models import ChatMessage
from apps.orders.models import Order, StockReservation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchiveSource:
    table: str
    model: type[models.Model]
    rows: Callable[[datetime], models.QuerySet]
    description: str


def _verification_codes(cutoff: datetime) -> models.QuerySet:
    return EmailVerification.objects.filter(expires_at__lt=cutoff)


def _reservations(cutoff: datetime) -> models.QuerySet:
    # Released or committed holds of orders that are settled either way; a 확인필요 order may still need its
    # reservations (``order_review_resolve`` retakes released units), a pending one is still being paid.
    return StockReservation.objects.filter(
        state__in=(StockReservation.State.RELEASED, StockReservation.State.COMMITTED), created_at__lt=cutoff
    ).exclude(order__status__in=(Order.Status.PENDING, Order.Status.REVIEW))


def _chat_of_ended_broadcasts(cutoff: datetime) -> models.QuerySet:
    return ChatMessage.objects.filter(broadcast__status="ended", broadcast__ended_at__lt=cutoff)


def archive_sources() -> list[ArchiveSource]:
    """What is archived, in order: chat of broadcasts that ended before the cutoff, spent verification codes,
    settled stock reservations."""
    return [
        ArchiveSource("live_chatmessage", ChatMessage, _chat_of_ended_broadcasts, "끝난 방송의 채팅"),
        ArchiveSource(
            "accounts_emailverification",
            EmailVerification,
            _verification_codes,
            "이메일 인증 코드 (만료된 것)",
        ),
        ArchiveSource(
            "orders_stockreservation",
            StockReservation,
            _reservations,
            "재고 확보 (반환·확정된 것)",
        ),
    ]


def archive_path(*, table: str, day: date) -> Path:
    return Path(settings.REPORTS_ARCHIVE_DIR) / table / f"{day.isoformat()}.jsonl.gz"


def archive_cutoff(*, day: date) -> datetime:
    """Rows older than this are archived: ``REPORTS_ARCHIVE_AFTER_DAYS`` before the end of ``day``."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return end - timedelta(days=settings.REPORTS_ARCHIVE_AFTER_DAYS)


def _row_dicts(model: type[models.Model], pks: list) -> list[dict]:
    columns = [f.attname for f in model._meta.concrete_fields]
    return list(model.objects.filter(pk__in=pks).order_by("pk").values(*columns))


def archive_source(*, source: ArchiveSource, day: date, chunk_size: int | None = None) -> int:
    """Archive then delete the source's rows older than ``archive_cutoff(day)``; returns rows archived.

    Call outside any transaction (the job is registered with ``atomic=False``): each chunk commits alone.
    """
    chunk_size = chunk_size or settings.REPORTS_ARCHIVE_CHUNK_SIZE
    cutoff = archive_cutoff(day=day)
    path = archive_path(table=source.table, day=day)
    done = 0
    while True:
        pks = list(source.rows(cutoff).order_by("pk").values_list("pk", flat=True)[:chunk_size])
        if not pks:
            return done
        rows = _row_dicts(source.model, pks)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as archive:
            for row in rows:
                archive.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False).encode() + b"\n")
            archive.flush()
            raw.flush()
            os.fsync(raw.fileno())
        with transaction.atomic():
            deleted, _detail = source.rows(cutoff).filter(pk__in=[row["id"] for row in rows]).delete()
        done += len(rows)
        logger.info("archived %s rows of %s into %s (%s deleted)", len(rows), source.table, path, deleted)


def archive_all(*, day: date) -> int:
    """``reports.archive_daily``: every source, one after the other; returns rows archived."""
    return sum(archive_source(source=source, day=day) for source in archive_sources())

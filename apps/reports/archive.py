"""Archiving of old operational data: rows written to gzip JSON lines, then deleted, in small chunks.

Each module decides which of its own rows are done with and deletes them (its ``archiving.py``); reports holds
only the mechanism. A chunk of at most ``REPORTS_ARCHIVE_CHUNK_SIZE`` rows is read from the module, appended
to ``REPORTS_ARCHIVE_DIR/<table>/<day>.jsonl.gz`` (one JSON object per line, every concrete field by column
name; a file may hold several gzip members, which ``gunzip`` and ``gzip.open`` read as one), flushed and
fsynced (the file, its folder and any folder made for it), and only then handed back to the module to delete
by primary key in its own short transaction. No transaction spans two chunks, so a run never holds locks for
long; a crash between the write and the delete leaves those rows in the archive and the table, and the next
run writes them again (at least once, never lost).
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
from django.utils import timezone

from apps.accounts import archiving as accounts_archiving
from apps.live import archiving as live_archiving
from apps.orders import archiving as orders_archiving

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchiveSource:
    """One module's archivable rows.

    ``archivable(*, before, limit)`` returns up to ``limit`` rows older than ``before`` as column dicts, lowest
    id first; ``archived_delete(*, before, ids)`` deletes those of ``ids`` that still qualify, in its own
    transaction. Both are the owning module's; reports never filters or deletes another module's rows.
    """

    table: str
    archivable: Callable[..., list[dict]]
    archived_delete: Callable[..., int]
    description: str


def archive_sources() -> list[ArchiveSource]:
    """What is archived, in order: chat of broadcasts that ended before the cutoff, spent verification codes,
    settled stock reservations."""
    return [
        ArchiveSource(
            live_archiving.CHAT_MESSAGES_TABLE,
            live_archiving.chat_messages_archivable,
            live_archiving.chat_messages_archived_delete,
            "끝난 방송의 채팅",
        ),
        ArchiveSource(
            accounts_archiving.EMAIL_VERIFICATIONS_TABLE,
            accounts_archiving.email_verifications_archivable,
            accounts_archiving.email_verifications_archived_delete,
            "이메일 인증 코드 (만료된 것)",
        ),
        ArchiveSource(
            orders_archiving.STOCK_RESERVATIONS_TABLE,
            orders_archiving.stock_reservations_archivable,
            orders_archiving.stock_reservations_archived_delete,
            "재고 확보 (반환·확정된 것)",
        ),
    ]


def archive_path(*, table: str, day: date) -> Path:
    return Path(settings.REPORTS_ARCHIVE_DIR) / table / f"{day.isoformat()}.jsonl.gz"


def archive_cutoff(*, day: date) -> datetime:
    """Rows older than this are archived: ``REPORTS_ARCHIVE_AFTER_DAYS`` before the end of ``day``."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return end - timedelta(days=settings.REPORTS_ARCHIVE_AFTER_DAYS)


def _directory_sync(path: Path) -> None:
    """fsync a directory, so the names of files and folders just made in it survive a crash."""
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def archive_append(*, path: Path, rows: list[dict]) -> None:
    """Append ``rows`` to ``path`` as one gzip member of JSON lines, on disk when this returns.

    The file's fsync, and its folder's and each new folder's, is what lets the caller delete the rows
    afterwards: without them a crash could lose a chunk (or the name of a new day's file) already deleted.
    """
    made = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as archive:
        for row in rows:
            archive.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False).encode() + b"\n")
        archive.flush()
        raw.flush()
        os.fsync(raw.fileno())
    # The file's own folder, then the folder holding each one made for it (up to the first that existed).
    for folder in dict.fromkeys([path.parent, *(made_folder.parent for made_folder in made)]):
        _directory_sync(folder)


def archive_source(*, source: ArchiveSource, day: date, chunk_size: int | None = None) -> int:
    """Archive then have the module delete its rows older than ``archive_cutoff(day)``; returns rows archived.

    Call outside any transaction (the job is registered with ``atomic=False``): each chunk commits alone.
    """
    chunk_size = chunk_size or settings.REPORTS_ARCHIVE_CHUNK_SIZE
    cutoff = archive_cutoff(day=day)
    path = archive_path(table=source.table, day=day)
    done = 0
    while True:
        rows = source.archivable(before=cutoff, limit=chunk_size)
        if not rows:
            return done
        archive_append(path=path, rows=rows)
        deleted = source.archived_delete(before=cutoff, ids=[row["id"] for row in rows])
        done += len(rows)
        logger.info("archived %s rows of %s into %s (%s deleted)", len(rows), source.table, path, deleted)


def archive_all(*, day: date) -> int:
    """``reports.archive_daily``: every source, one after the other; returns rows archived."""
    return sum(archive_source(source=source, day=day) for source in archive_sources())

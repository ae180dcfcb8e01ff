"""The ASGI server's cyclic garbage collection, on a clock instead of on allocation counts.

Why: a live room keeps thousands of connections' objects (protocols, consumers, scopes, users) alive for its
whole length. CPython's automatic collector walks all of them whenever enough objects outlive its young
collections, and each walk held the event loop for about 100 ms, every few seconds: at 2,000 viewers × 20
messages/s (bench/chat_fanout.py, 1 process) those pauses set the p99 at 63–145 ms; with automatic
collection off it was 47–54 ms.

So the server process collects the young generations every ``YOUNG_SECONDS`` (their objects are the ones
made since: a millisecond or so of work) and the whole heap every ``FULL_SECONDS``, one pause of that size
in that span. Garbage without cycles is freed at once by reference counting either way; only cyclic garbage
that has lived a while (a closed connection, say) waits for the full collection.
"""

import gc
import logging
import threading
import time

logger = logging.getLogger(__name__)

YOUNG_SECONDS = 1.0
FULL_SECONDS = 300.0

_started = False


def start() -> None:
    """Freeze what is loaded (it lives as long as the process: no collection walks it again), turn the
    automatic collector off and collect on the clock from a daemon thread. Once per process."""
    global _started
    if _started:
        return
    _started = True
    gc.freeze()
    gc.disable()
    threading.Thread(target=collect_forever, name="gc-schedule", daemon=True).start()


def collect_forever(
    *,
    young_seconds: float = YOUNG_SECONDS,
    full_seconds: float = FULL_SECONDS,
    stop: threading.Event | None = None,
) -> None:
    stop = stop or threading.Event()
    last_full = time.monotonic()
    while not stop.wait(young_seconds):
        if time.monotonic() - last_full < full_seconds:
            gc.collect(1)
            continue
        started = time.monotonic()
        freed = gc.collect()
        last_full = time.monotonic()
        logger.info(
            "full garbage collection: %d objects freed in %.0f ms", freed, (last_full - started) * 1000
        )

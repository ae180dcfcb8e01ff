"""The ASGI server's full garbage collections, on a clock instead of on allocation counts.

Why: a live room keeps thousands of connections' objects (protocols, consumers, scopes, users) alive for its
whole length. CPython's automatic full collections walk all of them whenever enough objects have grown old,
and each walk holds the event loop for as long as it takes, every few seconds: in a busy room those pauses,
not the work, set the slowest deliveries (README → Benchmarks has the chat figures).

So the server keeps CPython's young collections (frequent and small: what a page request leaves behind) and
turns off only its automatic full ones; a daemon thread makes a full collection every ``FULL_SECONDS``, one
pause of that size in that span. Garbage without cycles is freed at once by reference counting either way;
only cyclic garbage that had grown old (a closed connection, say) waits for the full collection.
"""

import gc
import logging
import threading
import time

logger = logging.getLogger(__name__)

FULL_SECONDS = 300.0
# CPython makes a full collection after this many collections of the middle generation: never.
_NEVER = 2**31 - 1

_started = False


def start() -> None:
    """Freeze what is loaded (it lives as long as the process: no collection walks it again), stop the
    automatic full collections and make them on the clock from a daemon thread. Once per process."""
    global _started
    if _started:
        return
    _started = True
    gc.freeze()
    automatic_full_collections_off()
    threading.Thread(target=collect_forever, name="gc-schedule", daemon=True).start()


def automatic_full_collections_off() -> None:
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, _NEVER)


def collect_forever(*, full_seconds: float = FULL_SECONDS, stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    while not stop.wait(full_seconds):
        started = time.monotonic()
        freed = gc.collect()
        logger.info(
            "full garbage collection: %d objects freed in %.0f ms", freed, (time.monotonic() - started) * 1000
        )

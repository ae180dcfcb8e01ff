"""The server's garbage collection on a clock: with the automatic collector off, cyclic garbage is still freed
(young garbage at the next tick, garbage that had grown old at the next full collection)."""

import gc
import threading
import time
import weakref

import pytest

from apps.core import gc_schedule


class Node:
    """Refers to itself: reference counting never frees it, only the cyclic collector does."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def automatic_collection_off():
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


def _collected(ref: weakref.ref, *, young_seconds: float, full_seconds: float, within: float) -> bool:
    stop = threading.Event()
    thread = threading.Thread(
        target=gc_schedule.collect_forever,
        kwargs={"young_seconds": young_seconds, "full_seconds": full_seconds, "stop": stop},
        daemon=True,
    )
    thread.start()
    try:
        deadline = time.monotonic() + within
        while ref() is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        return ref() is None
    finally:
        stop.set()
        thread.join()


def test_young_cyclic_garbage_is_freed_at_the_next_tick(automatic_collection_off):
    node = Node()
    gone = weakref.ref(node)
    del node
    assert gone() is not None
    assert _collected(gone, young_seconds=0.05, full_seconds=3600, within=2)


def test_cyclic_garbage_that_grew_old_is_freed_by_the_full_collection(automatic_collection_off):
    node = Node()
    gone = weakref.ref(node)
    gc.collect()  # it survives a full collection: now in the oldest generation, which young ones never walk
    del node
    assert _collected(gone, young_seconds=0.05, full_seconds=0.3, within=3)

"""The server's full garbage collections on a clock: allocation no longer sets one off, and cyclic garbage
that had grown old is still freed, by the clock's collection."""

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
def thresholds():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def _old_garbage() -> weakref.ref:
    """A cycle that survived a full collection (now in the oldest generation), then dropped."""
    node = Node()
    gone = weakref.ref(node)
    gc.collect()
    return gone


def test_growing_the_heap_no_longer_sets_off_a_full_collection(thresholds):
    gc_schedule.automatic_full_collections_off()
    gone = _old_garbage()
    # A room filling up: objects that stay, enough young collections to promote them many times over.
    kept = [[n] for n in range(300_000)]
    assert gone() is not None
    del kept


def test_the_clock_frees_old_cyclic_garbage(thresholds):
    gc_schedule.automatic_full_collections_off()
    gone = _old_garbage()
    stop = threading.Event()
    thread = threading.Thread(
        target=gc_schedule.collect_forever, kwargs={"full_seconds": 0.2, "stop": stop}, daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 3
        while gone() is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert gone() is None
    finally:
        stop.set()
        thread.join()

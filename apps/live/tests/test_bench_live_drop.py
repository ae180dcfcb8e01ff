"""bench/live_drop.py's figures: the chat's percentile and the time until every viewer heard 품절."""

import math

import pytest

from bench.live_drop import percentile_ms, sold_out_after


def test_the_chat_percentile_is_the_nearest_rank_and_nan_without_messages():
    """p99 of 1..200 ms is the 199th value; p50 of 4 values is the third; no messages give NaN."""
    assert percentile_ms([float(n) for n in range(200, 0, -1)], 0.99) == 199.0
    assert percentile_ms([4.0, 1.0, 3.0, 2.0], 0.5) == 3.0
    assert math.isnan(percentile_ms([], 0.99))


def test_sold_out_is_timed_to_the_last_viewer_and_missing_when_one_never_heard():
    """The time runs from the last hold's answer to the latest viewer (before it: negative); a viewer that never
    heard (0) or no viewers at all give None."""
    assert sold_out_after(100.0, [100_250.0, 100_400.0, 100_100.0]) == pytest.approx(0.4)
    assert sold_out_after(100.0, [99_900.0, 99_950.0]) == pytest.approx(-0.05)
    assert sold_out_after(100.0, [100_250.0, 0.0]) is None
    assert sold_out_after(100.0, []) is None

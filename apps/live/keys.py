"""Cache keys and figures that live's reads and writes both use; they sit below both so that neither
imports the other."""

# The catalog's cached pages ask the live cards on every view: they are cached too, under a version that the
# services bump whenever a broadcast starts, ends, gets a replay or changes its products.
CARDS_VERSION_KEY = "live:cards-version"
# A live broadcast's viewer count is kept once per this many seconds (the report's peak and average).
VIEWER_SAMPLE_SECONDS = 30


def viewer_count_key(broadcast_id: int) -> str:
    """The cache key holding a broadcast's current viewer count (the room's presence keeps it)."""
    return f"live:viewers:{broadcast_id}"

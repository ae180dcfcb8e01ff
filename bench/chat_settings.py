"""Production settings as `bench/chat_fanout.py` serves them (bench/flash_settings.py), plus the room's optional
coalescing window from the environment."""

import os

from bench.flash_settings import *  # noqa: F403

LIVE_CHAT_COALESCE_MS = int(os.environ.get("LIVE_CHAT_COALESCE_MS", "0"))

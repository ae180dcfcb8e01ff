"""Production settings as `bench/chat_fanout.py` serves them (bench/flash_settings.py)."""

from bench.flash_settings import *  # noqa: F403

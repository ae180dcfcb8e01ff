"""`bench/lighthouse.py`'s settings: bench/pages.py's, plus the uploaded pictures (product photos, covers) that
nginx serves in production, so Lighthouse weighs the pages with their images."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench.lighthouse_urls"

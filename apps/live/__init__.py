# ``from apps.live import media_server`` (the access matrix, older scripts) keeps working after the move.
from apps.live.media import server as media_server

__all__ = ["media_server"]

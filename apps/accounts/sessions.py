"""Sessions on Redis: Django's cache session store, saving a changed session in one round trip.

Django's cache store reads a session back before it writes it (so a session logged out meanwhile is not brought
back to life): two round trips for each save. Redis does that check in the write itself (``SET … XX`` writes
only a key that exists), atomically where the read-then-write was not.
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore


class SessionStore(CacheSessionStore):
    def save(self, must_create: bool = False) -> None:
        if self.session_key is None or must_create or not hasattr(self._cache, "client"):
            # New sessions (``add``), and caches other than django-redis, go Django's way.
            return super().save(must_create=must_create)
        if not self._cache.set(self.cache_key, self._get_session(), self.get_expiry_age(), xx=True):
            raise UpdateError
        return None

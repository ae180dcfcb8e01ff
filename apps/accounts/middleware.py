"""The "자동 로그인" session's sliding expiry."""

import time

from django.conf import settings

REFRESHED_KEY = "accounts:refreshed"


class SlidingSessionMiddleware:
    """Keeps a "자동 로그인" session alive ``ACCOUNTS_REMEMBER_ME_TTL`` after its last use.

    Rather than saving every session on every request (a Redis write and a cookie each time), a remembered
    session is saved again once a tenth of its TTL has passed since the last save: it then ends between 90 %
    and 100 % of the TTL after the last request. Sessions that end with the browser are never touched. Sits
    after ``SessionMiddleware``, so what it marks is saved on the way out.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A visitor without a session cookie has nothing to keep alive (and loading nothing costs nothing).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or not hasattr(request, "session"):
            return response
        session = request.session
        if session.is_empty() or session.get_expire_at_browser_close():
            return response
        now = int(time.time())
        if now - session.get(REFRESHED_KEY, 0) >= settings.ACCOUNTS_REMEMBER_ME_TTL / 10:
            session[REFRESHED_KEY] = now
        return response

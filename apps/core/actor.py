"""Who is acting, for records written far from the request: a runtime-setting change is announced by
django-constance's ``config_updated`` signal, which knows the key and the values but not the member.

``ActorMiddleware`` (after authentication) names the request's user for the request's duration; a service
acting for someone outside a request (a restore, a command) wraps its write in ``acting_as(user)``. A
context variable, so two requests served at once on different threads never see each other's member.
"""

import contextlib
import contextvars
from collections.abc import Iterator

_actor: contextvars.ContextVar = contextvars.ContextVar("trimarket_actor", default=None)


def current_actor():
    """The member acting now (a logged-in user), or None (anonymous, a task, a command)."""
    user = _actor.get()
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


class ActorMiddleware:
    """Names ``request.user`` as the actor while the view runs (the user is still loaded lazily)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(getattr(request, "user", None)):
            return self.get_response(request)

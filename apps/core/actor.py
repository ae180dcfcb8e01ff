"""Who is acting, for records written far from the request: a runtime-setting change is announced by
django-constance's ``config_updated`` signal, which knows the key and the values but not the member.

``ActorMiddleware`` (after authentication) names the request's user for the request's duration; a service
acting for someone outside a request (a restore, a command) wraps its write in ``acting_as(user)``. A
context variable, so two requests served at once on different threads never see each other's member.

The variable holds a function that gives the user, never the request's lazy user itself: asgiref copies
context variables into every ``async_to_sync`` call and inspects each value, which would load a lazy user
from the database inside the event loop (``SynchronousOnlyOperation``).
"""

import contextlib
import contextvars
from collections.abc import Iterator

_actor: contextvars.ContextVar = contextvars.ContextVar("trimarket_actor", default=None)


def current_actor():
    """The member acting now (a logged-in user), or None (anonymous, a task, a command)."""
    actor = _actor.get()
    user = actor() if actor is not None else None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    token = _actor.set(lambda: user)
    try:
        yield
    finally:
        _actor.reset(token)


class ActorMiddleware:
    """Names ``request.user`` as the actor while the view runs (the user is still loaded lazily)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _actor.set(lambda: getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)

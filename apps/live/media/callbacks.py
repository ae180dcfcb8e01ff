"""The media server's callbacks (nginx-rtmp ``notify``: a form POST; any 4xx drops the publisher).

The secret in the path is known only to the media server, which has the rendered config; each callback
calls the one service that decides.

nginx-rtmp writes its own fields first (``app``, ``addr``, ``clientid``, ``call``, ``name``, ``path``) and then
appends the publish URL's query string as it came, so the publisher can add fields of its own: a body that
names one of the fields read here more than once is refused (a 4xx drops the publisher), and each is read from
its first occurrence, the one nginx wrote.
"""

import functools
import hmac
import logging

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.live import tasks
from apps.live.media.server import callback_secret
from apps.live.services import broadcasts, replay

logger = logging.getLogger(__name__)

# nginx's own fields that decide something, and the stream key, which comes only from the publish URL.
SINGLE_FIELDS = ("call", "app", "name", "key", "clientid", "addr", "path")


class RepeatedField(Exception):
    """The callback body names a field more than once: the publisher's query string tries to override nginx's."""


def _from_media_server(secret: str) -> bool:
    return hmac.compare_digest(secret.encode(), callback_secret().encode())


def _fields(request) -> dict[str, str]:
    """The fields of ``SINGLE_FIELDS`` as nginx wrote them ("" when absent); raises ``RepeatedField``."""
    fields = {}
    for name in SINGLE_FIELDS:
        values = request.POST.getlist(name)
        if len(values) > 1:
            raise RepeatedField(name)
        fields[name] = values[0] if values else ""
    return fields


def _repeated(request, error: RepeatedField) -> HttpResponseBadRequest:
    # The path holds the secret: name the callback by nginx's first ``call`` instead.
    call, addr = request.POST.getlist("call")[:1], request.POST.getlist("addr")[:1]
    logger.warning(
        "media server callback %s from %s refused: %r given more than once", call, addr, str(error)
    )
    return HttpResponseBadRequest("repeated field")


def _callback(handle):
    """A media-server callback: only with the secret in its path (403), never with a field given twice (400);
    ``handle(fields)`` gets the fields as nginx wrote them."""

    @csrf_exempt
    @require_POST
    @functools.wraps(handle)
    def view(request, secret: str):
        if not _from_media_server(secret):
            return HttpResponseForbidden("forbidden")
        try:
            fields = _fields(request)
        except RepeatedField as error:
            return _repeated(request, error)
        return handle(fields)

    return view


@_callback
def media_publish(fields: dict[str, str]):
    try:
        broadcasts.broadcast_publish_start(
            public_name=fields["name"], key=fields["key"], client_id=fields["clientid"]
        )
    except broadcasts.PublishRefused as exc:
        logger.warning("publish of %r from %s refused: %s", fields["name"], fields["addr"], exc)
        return HttpResponseForbidden("refused")
    return HttpResponse("ok")


@_callback
def media_publish_done(fields: dict[str, str]):
    broadcast = broadcasts.broadcast_publish_stop(public_name=fields["name"], client_id=fields["clientid"])
    if broadcast is not None:
        tasks.broadcast_grace_check_schedule(broadcast)
    return HttpResponse("ok")


@_callback
def media_record_done(fields: dict[str, str]):
    replay.broadcast_recording_done(
        public_name=fields["name"], path=fields["path"], client_id=fields["clientid"]
    )
    return HttpResponse("ok")

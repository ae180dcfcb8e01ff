"""The media server's callbacks (nginx-rtmp ``notify``: a form POST; any 4xx drops the publisher).

The secret in the path is known only to the media server, which has the rendered config; each callback
calls the one service that decides.
"""

import hmac
import logging

from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.live.media.server import callback_secret
from apps.live.services import broadcasts, replay

logger = logging.getLogger(__name__)


def _from_media_server(secret: str) -> bool:
    return hmac.compare_digest(secret.encode(), callback_secret().encode())


@csrf_exempt
@require_POST
def media_publish(request, secret: str):
    if not _from_media_server(secret):
        return HttpResponseForbidden("forbidden")
    name = request.POST.get("name", "")
    try:
        broadcasts.broadcast_publish_start(
            public_name=name, key=request.POST.get("key", ""), client_id=request.POST.get("clientid", "")
        )
    except broadcasts.PublishRefused as exc:
        logger.warning("publish of %r from %s refused: %s", name, request.POST.get("addr"), exc)
        return HttpResponseForbidden("refused")
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def media_publish_done(request, secret: str):
    if not _from_media_server(secret):
        return HttpResponseForbidden("forbidden")
    broadcasts.broadcast_publish_stop(
        public_name=request.POST.get("name", ""), client_id=request.POST.get("clientid", "")
    )
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def media_record_done(request, secret: str):
    if not _from_media_server(secret):
        return HttpResponseForbidden("forbidden")
    replay.broadcast_recording_done(
        public_name=request.POST.get("name", ""), path=request.POST.get("path", "")
    )
    return HttpResponse("ok")

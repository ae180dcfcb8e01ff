"""The studio's stream health panel polls this: the figures the media server measured for the broadcast's
stream and a Korean warning for each that is off the README's OBS settings. Owner or staff only (404)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from apps.live import selectors


@login_required
@require_safe
@never_cache
def studio_health(request, pk: int):
    broadcast = selectors.broadcast_get_for_user(pk=pk, user=request.user)
    health = selectors.studio_stream_health(broadcast=broadcast)
    return JsonResponse(
        {
            "status": broadcast.status,
            "reconnecting": broadcast.is_reconnecting,
            "measured": health is not None,
            **(
                health.as_dict()
                if health is not None
                else {"publishing": False, "ok": False, "measures": [], "warnings": []}
            ),
        }
    )

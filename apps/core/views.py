from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.health import health_report


@require_GET
@never_cache
def healthz(request):
    """200 when every part is up, 503 naming the parts that are down."""
    report = health_report()
    return JsonResponse(
        report, status=503 if report["down"] else 200, json_dumps_params={"ensure_ascii": False}
    )

from django.apps import AppConfig
from django.conf import settings
from django.core.signals import request_finished
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "공통"

    def ready(self) -> None:
        # Every module's events.py subscribes its handlers here, so publishing finds them in any process.
        autodiscover_modules("events")
        if not settings.REDIS_URL:
            # No broker means no beat either: the outbox relay runs from finished requests now and then.
            request_finished.connect(_outbox_relay_after_request, dispatch_uid="core.outbox_relay")


def _outbox_relay_after_request(sender, **kwargs) -> None:
    from apps.core.tasks import outbox_relay_now_and_then

    outbox_relay_now_and_then()

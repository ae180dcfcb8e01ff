from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "공통"

    def ready(self) -> None:
        # Every module's events.py subscribes its handlers here, so publishing finds them in any process.
        autodiscover_modules("events")

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
        from constance.signals import config_updated

        # The footer of every page shows runtime settings (who runs the shop, the escrow badge): a change
        # renders every shared page anew and makes each process read them again.
        config_updated.connect(_runtime_setting_changed, dispatch_uid="core.frame_changed")
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        # A member's bag (apps/core/personal.py) is built anew at each login and after each logout: what
        # happened meanwhile (a guest cart merged at login, say) is never read from an older bag.
        user_logged_in.connect(_personal_changed, dispatch_uid="core.personal_login")
        user_logged_out.connect(_personal_changed, dispatch_uid="core.personal_logout")


def _outbox_relay_after_request(sender, **kwargs) -> None:
    from apps.core.tasks import outbox_relay_now_and_then

    outbox_relay_now_and_then()


def _personal_changed(sender, user=None, **kwargs) -> None:
    from apps.core.personal import personal_changed

    if user is not None and user.pk is not None:
        personal_changed(user.pk)


def _runtime_setting_changed(sender, key, old_value, new_value, **kwargs) -> None:
    from apps.core.pagecache import frame_changed

    # constance writes a missing setting's default on its first read: nothing a page showed has changed then.
    shown_before = settings.CONSTANCE_CONFIG[key][0] if old_value is None else old_value
    if new_value != shown_before:
        frame_changed()

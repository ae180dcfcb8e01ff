from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = "통계·배치"

    def ready(self) -> None:
        from apps.core.metrics import install_database_metrics
        from apps.live import hooks as live_hooks
        from apps.reports import jobs  # noqa: F401  (declares every job in the registry)
        from apps.reports.schedules import schedules_ensure
        from apps.reports.selectors.broadcasts import broadcast_report_for_studio

        install_database_metrics()
        from constance.signals import config_updated

        from apps.reports.settings_history import runtime_setting_change_record

        # Every runtime-setting write, from admin or a service, is kept with who, when, old and new value.
        config_updated.connect(runtime_setting_change_record, dispatch_uid="reports.runtime_setting_history")
        # The studio's broadcast report is computed here, where the job's figures are (live cannot import us).
        live_hooks.broadcast_report_register(broadcast_report_for_studio)
        # After every migrate (and every test-database flush) each registered job has its beat schedule.
        post_migrate.connect(schedules_ensure, sender=self, dispatch_uid="reports-schedules-ensure")

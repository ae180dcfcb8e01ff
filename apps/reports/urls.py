from django.urls import path

from apps.reports import views, views_monitor, views_settings

app_name = "reports"

urlpatterns = [
    path("staff/dashboard/", views.dashboard, name="dashboard"),
    path("staff/dashboard/<slug:table>.csv", views.table_csv, name="table-csv"),
    path("staff/runtime-settings.json", views.runtime_settings, name="runtime-settings"),
    path("staff/live/", views_monitor.monitor, name="live-monitor"),
    path("staff/live/figures.json", views_monitor.monitor_figures, name="live-monitor-figures"),
    path("staff/live/<int:pk>/stop/", views_monitor.monitor_stop, name="live-monitor-stop"),
    path("staff/settings/", views_settings.settings_history, name="settings-history"),
    path(
        "staff/settings/changes/<int:change_id>/restore/",
        views_settings.settings_restore,
        name="settings-restore",
    ),
    path("metrics", views.metrics, name="metrics"),
]

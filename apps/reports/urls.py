from django.urls import path

from apps.reports import views

app_name = "reports"

urlpatterns = [
    path("staff/dashboard/", views.dashboard, name="dashboard"),
    path("staff/dashboard/<slug:table>.csv", views.table_csv, name="table-csv"),
    path("staff/runtime-settings.json", views.runtime_settings, name="runtime-settings"),
    path("metrics", views.metrics, name="metrics"),
]

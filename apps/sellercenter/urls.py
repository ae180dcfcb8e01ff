"""The seller center, ``/seller/``: one shop's products, orders and shipments, statements and dashboard.

Every view is wrapped in ``access.seller_center_view``; the studio stays with live (``/live/studio/``)."""

from django.urls import path

from apps.sellercenter.views import dashboard, statements

app_name = "sellercenter"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("statements/", statements.statement_list, name="statements"),
    path("statements/export.csv", statements.statement_export, name="statements-export"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement-detail"),
]

"""The seller center, ``/seller/``: one shop's products, orders and shipments, statements and dashboard.

Every view is wrapped in ``access.seller_center_view``; the studio stays with live (``/live/studio/``)."""

from django.urls import path

from apps.sellercenter.views import dashboard

app_name = "sellercenter"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
]

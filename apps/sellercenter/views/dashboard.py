"""The seller center's first page: what needs doing today."""

from django.shortcuts import render
from django.utils import timezone

from apps.live.selectors import broadcast_current_and_next
from apps.orders.selectors import seller_dashboard_figures
from apps.sellercenter.access import seller_center_view


@seller_center_view
def dashboard(request):
    current, upcoming = broadcast_current_and_next(user=request.user)
    figures = seller_dashboard_figures(seller_id=request.seller.pk, day=timezone.localdate())
    context = {"seller": request.seller, "section": "dashboard", "figures": figures}
    context |= {"current": current, "upcoming": upcoming}
    return render(request, "sellercenter/dashboard.html", context)

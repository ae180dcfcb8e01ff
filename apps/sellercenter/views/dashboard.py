"""The seller center's first page: what needs doing today."""

from django.shortcuts import render

from apps.sellercenter.access import seller_center_view


@seller_center_view
def dashboard(request):
    return render(request, "sellercenter/dashboard.html", {"seller": request.seller, "section": "dashboard"})

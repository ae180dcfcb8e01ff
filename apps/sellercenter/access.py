"""Who may use the seller center, and which shop they act for.

An approved seller runs its shop here; a suspended one still ships what it sold and reads its statements
(only selling and going live stop). A member with no shop, or one still in review or rejected, is sent to
the application page, which says where the application stands.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from apps.sellers.models import Seller
from apps.sellers.selectors import seller_for_user

CENTER_OPEN = (Seller.Status.APPROVED, Seller.Status.SUSPENDED)


def seller_center_view(view):
    """Log in, then act as the member's own shop: the view gets it as ``request.seller``. Every object a
    seller-center view reads or changes is looked up through that seller, so another shop's is a 404."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seller = seller_for_user(user=request.user)
        if seller is None or seller.status not in CENTER_OPEN:
            messages.info(request, "셀러센터는 입점 승인 후에 열려요.")
            return redirect("sellers:apply")
        request.seller = seller
        return view(request, *args, **kwargs)

    return wrapped

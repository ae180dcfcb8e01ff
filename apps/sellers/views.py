"""A member's way in as a seller: the application page, which also shows where the application stands."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.sellers import selectors, services
from apps.sellers.forms import SellerApplicationForm
from apps.sellers.models import Seller


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request):
    seller = selectors.seller_for_user(user=request.user)
    may_apply = seller is None or seller.status in (Seller.Status.PENDING, Seller.Status.REJECTED)
    form = SellerApplicationForm(request.POST or None, instance=seller if may_apply else None)
    if request.method == "POST" and may_apply and form.is_valid():
        try:
            services.seller_apply(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "입점 신청을 받았어요. 심사 결과는 메일로 알려 드릴게요.")
            return redirect("sellers:apply")
    return render(request, "sellers/apply.html", {"form": form, "seller": seller, "may_apply": may_apply})

"""A shopper's own catalog rows as the API pages them: hearts, restock alerts, an option to ask about.

Re-exported by ``apps.catalog.selectors``; this file imports nothing of the package, so no cycle.
"""

from django.db.models import QuerySet
from django.http import Http404

from apps.catalog.models import Product, ProductOption, RestockAlert, Wishlist


def wishlist_entries(*, user) -> QuerySet[Wishlist]:
    """A shopper's hearts, newest first (the API pages these, then shows their products' cards)."""
    return (
        Wishlist.objects.filter(user=user)
        .exclude(product__status=Product.Status.HIDDEN)
        .order_by("-created_at", "-id")
    )


def restock_alerts_for_user(*, user) -> QuerySet[RestockAlert]:
    """A shopper's restock alerts, newest first, with the option and its product."""
    return (
        RestockAlert.objects.filter(user=user)
        .select_related("option__product")
        .exclude(option__product__status=Product.Status.HIDDEN)
        .order_by("-created_at", "-id")
    )


def option_get(*, option_id: int) -> ProductOption:
    """An option of a visible product, with its product; a hidden product's or a missing one is a 404."""
    option = (
        ProductOption.objects.select_related("product")
        .exclude(product__status=Product.Status.HIDDEN)
        .filter(pk=option_id)
        .first()
    )
    if option is None:
        raise Http404("option")
    return option

"""Every read of sellers. Whether a seller may sell is decided here alone (``seller_may_sell``)."""

from django.http import Http404

from apps.sellers.constants import NOT_SELLING_MESSAGE
from apps.sellers.models import Seller

__all__ = ["NOT_SELLING_MESSAGE", "seller_for_user", "seller_may_sell", "seller_shop_get", "sellers_selling"]

# A shop page exists for these: a suspended shop still shows who it is (its buyers may need to reach it).
SHOP_VISIBLE = (Seller.Status.APPROVED, Seller.Status.SUSPENDED)


def seller_may_sell(seller: Seller | None) -> bool:
    """Its products may be bought and it may go live: approved, and nothing else."""
    return seller is not None and seller.status == Seller.Status.APPROVED


def seller_for_user(*, user) -> Seller | None:
    """The member's seller profile (any state), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Seller.objects.filter(user_id=user.pk).first()


def seller_shop_get(*, seller_id: int) -> Seller:
    """A seller whose shop page shoppers may see; 404 for an application in review or rejected."""
    seller = Seller.objects.filter(pk=seller_id, status__in=SHOP_VISIBLE).first()
    if seller is None:
        raise Http404("seller")
    return seller


def sellers_selling() -> list[Seller]:
    """Approved sellers, oldest first."""
    return list(Seller.objects.filter(status=Seller.Status.APPROVED).order_by("id"))

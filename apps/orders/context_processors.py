from django.utils.functional import SimpleLazyObject

from apps.core.personal import personal_bag
from apps.orders.personal import cart_count_of


def cart(request) -> dict:
    """How many lines the cart holds (``cart_count``): a member's from their bag (``apps.core.personal``), a
    guest's from the session; read only by a page that shows it (the header's badge is a personal mark)."""
    return {"cart_count": SimpleLazyObject(lambda: cart_count_of(request, personal_bag(request)))}

"""Domain events the catalog publishes and the handlers it subscribes.

Published:
- ``catalog.option_restocked`` ``{"option_id": int}``: an option's stock went from 0 to more.

Subscribed: restocks (mail the waiting shoppers), seller changes (drop their product pages) and
``account.withdrawn`` (the member's wishlist and restock alerts go).
"""

from apps.catalog import caching, selectors, services
from apps.core.events import subscribe
from apps.sellers.constants import SELLER_CHANGED, SELLER_STATUS_CHANGED


@subscribe(services.OPTION_RESTOCKED)
def restock_alerts_send(*, event: str, payload: dict) -> None:
    """Mail the shoppers waiting for the option; idempotent (each alert is mailed once)."""
    services.restock_alerts_notify(option_id=payload["option_id"])


@subscribe(SELLER_CHANGED)
@subscribe(SELLER_STATUS_CHANGED)
def seller_product_pages_drop(*, event: str, payload: dict) -> None:
    """Product pages name their seller and whether it sells: a seller's change drops them (no card shows it)."""
    caching.product_changed(*selectors.product_ids_of_seller(seller_id=payload["seller_id"]), listing=False)


@subscribe("account.withdrawn")
def wishes_clear_on_withdrawal(*, event: str, payload: dict) -> None:
    """A withdrawn member is hearted nothing and waits for nothing: no restock mail to a forgotten address."""
    services.member_wishes_clear(user_id=payload["user_id"])

"""Domain events of sellers.

Published:
- ``seller.status_changed`` ``{"seller_id": int, "status": str}``: staff approved, rejected or suspended it.
- ``seller.changed`` ``{"seller_id": int}``: what its shop shows (name, business details) changed.
"""

from apps.core.events import subscribe
from apps.sellers.constants import SELLER_STATUS_CHANGED
from apps.sellers.notifications import seller_status_mail_send


@subscribe(SELLER_STATUS_CHANGED)
def seller_status_mail(*, event: str, payload: dict) -> None:
    """Tell the seller what staff decided."""
    seller_status_mail_send(seller_id=payload["seller_id"], status=payload["status"])

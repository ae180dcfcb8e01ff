"""Catalog's write for a member who leaves: the wishlist and the restock alerts go with the account.

Its own file, not in ``services``: kept apart while ``services`` is being split into a package elsewhere; it
belongs with the wishlist's services (``services/wishes.py`` once that exists).
"""

from django.db import transaction

from apps.catalog.models import RestockAlert, Wishlist


@transaction.atomic
def member_wishes_clear(*, user_id: int) -> int:
    """Delete the member's wishlist and restock alerts; return how many rows went. Idempotent."""
    wishes, _ = Wishlist.objects.filter(user_id=user_id).delete()
    alerts, _ = RestockAlert.objects.filter(user_id=user_id).delete()
    return wishes + alerts

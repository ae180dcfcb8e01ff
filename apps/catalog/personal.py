"""What catalog puts in a member's bag (``apps.core.personal``): the products they hearted, the products they
reviewed, and how a product's heart is filled for them. ``services.wishlist_toggle`` calls
``personal_changed``; a review is written only for a line the member ordered, which orders' entry
(``ordered_product_ids``) already names."""

from apps.catalog.models import Review, Wishlist
from apps.core.personal import personal_fill_register, personal_provide


def _entries(user) -> dict:
    return {
        "wished_product_ids": frozenset(
            Wishlist.objects.filter(user=user).values_list("product_id", flat=True)
        ),
        "reviewed_product_ids": frozenset(
            Review.objects.filter(user=user).values_list("product_id", flat=True)
        ),
    }


def _wished(bag: dict, argument: str) -> bool:
    return argument.isdigit() and int(argument) in bag.get("wished_product_ids", ())


def product_shows_own(bag: dict, product_id: int) -> bool:
    """Whether a product page would show this member something of their own that no mark fills (their review
    with 수정/삭제, 리뷰 쓰기 for a line they bought): then it is rendered for them alone."""
    return product_id in bag.get("reviewed_product_ids", ()) or product_id in bag.get(
        "ordered_product_ids", ()
    )


def register() -> None:
    personal_provide("catalog", _entries)
    personal_fill_register(
        "wish_pressed", lambda request, bag, argument: "true" if _wished(bag, argument) else "false"
    )
    personal_fill_register(
        "wish_label", lambda request, bag, argument: "찜 해제" if _wished(bag, argument) else "찜하기"
    )

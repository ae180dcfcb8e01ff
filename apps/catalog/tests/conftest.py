import pytest

from apps.catalog import hooks
from apps.core.personal import personal_provide


@pytest.fixture
def bought():
    """A fake orders module for one test: which (user, product) pairs have reviewable order lines.

    The real provider (orders registers it at start-up) is put back afterwards, and so is orders' entry in a
    member's bag (``ordered_product_ids``: such a product's page is rendered for the buyer alone).
    """
    lines: dict[tuple[int, int], set[int]] = {}

    def bag_entries(user) -> dict:
        return {"cart_count": 0, "ordered_product_ids": frozenset(p for (u, p) in lines if u == user.pk)}

    def provider(*, user, product_id: int) -> set[int]:
        return lines.get((user.pk, product_id), set())

    def grant(user, product, *line_ids: int) -> None:
        lines.setdefault((user.pk, product.pk), set()).update(line_ids)

    real_provider = hooks.reviewable_order_lines_register(provider)
    real_entries = personal_provide("orders", bag_entries)
    yield grant
    hooks.reviewable_order_lines_register(real_provider)
    personal_provide("orders", real_entries)

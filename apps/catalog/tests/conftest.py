import pytest

from apps.catalog import hooks


@pytest.fixture
def bought():
    """A fake orders module for one test: which (user, product) pairs have reviewable order lines.

    The real provider (orders registers it at start-up) is put back afterwards.
    """
    lines: dict[tuple[int, int], set[int]] = {}

    def provider(*, user, product_id: int) -> set[int]:
        return lines.get((user.pk, product_id), set())

    def grant(user, product, *line_ids: int) -> None:
        lines.setdefault((user.pk, product.pk), set()).update(line_ids)

    real_provider = hooks.reviewable_order_lines_register(provider)
    yield grant
    hooks.reviewable_order_lines_register(real_provider)

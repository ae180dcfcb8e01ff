import pytest

from apps.orders.tests.factories import ProductOptionFactory, UserFactory
from apps.payments.testing import pg_sandbox, pg_sandbox_server, portone  # noqa: F401


@pytest.fixture
def shopper():
    return UserFactory()


@pytest.fixture
def option():
    """An option of a 24,000원 product (list 30,000원) with 10 units."""
    return ProductOptionFactory(stock=10)

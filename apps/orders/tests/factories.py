"""factory_boy factories of orders; rows are made through the services, as the site makes them."""

from apps.accounts.tests.factories import PASSWORD, ShippingAddressFactory, UserFactory
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.orders.services import placing

__all__ = [
    "PASSWORD",
    "ProductFactory",
    "ProductOptionFactory",
    "ShippingAddressFactory",
    "UserFactory",
    "order_make",
]

DELIVERY = placing.Delivery(
    recipient="김고객",
    recipient_phone="010-1234-5678",
    postcode="04778",
    road_address="서울 성동구 성수이로 100",
    detail_address="3층",
    delivery_request="문 앞에 놓아 주세요",
)


def order_make(*, user=None, items=None, option=None, quantity: int = 1, **kwargs):
    """A pending order placed through ``order_place`` (a new option of 10 units when none is given)."""
    user = user or UserFactory()
    if items is None:
        option = option or ProductOptionFactory(stock=10)
        items = {option.pk: quantity}
    return placing.order_place(
        user=user,
        items=items,
        delivery=DELIVERY,
        orderer=placing.Orderer(name=user.name, phone="010-1234-5678", email=user.email),
        **kwargs,
    )

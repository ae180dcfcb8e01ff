"""factory_boy factories of the live module; broadcasts are made through the services, as the site makes them."""

import datetime

import factory
from django.utils import timezone

from apps.catalog.tests.factories import CategoryFactory, ProductFactory, UserFactory
from apps.live import services
from apps.live.models import Broadcast, BroadcastProduct
from apps.sellers.tests.factories import SellerFactory as ShopFactory


class SellerFactory(UserFactory):
    """A member who runs an approved shop (``user.seller``), so it may go live and sell its own products."""

    class Meta:
        # The shop is made after the member; nothing on the member changes, so no second save.
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"seller{n}")
    name = factory.Sequence(lambda n: f"셀러{n}")
    is_seller = True
    shop = factory.RelatedFactory(ShopFactory, factory_related_name="user")


def own_product(broadcast: Broadcast, **kwargs):
    """A product of the broadcast's seller's own shop (the only kind it may put on air)."""
    return ProductFactory(seller=broadcast.seller.seller, **kwargs)


class BroadcastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Broadcast

    seller = factory.SubFactory(SellerFactory)
    title = factory.Sequence(lambda n: f"봄 신상 라이브 {n}")
    category = factory.SubFactory(CategoryFactory)
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=2))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.broadcast_create(**kwargs)


class BroadcastProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BroadcastProduct

    broadcast = factory.SubFactory(BroadcastFactory)
    product = factory.SubFactory(
        ProductFactory,
        category=factory.SelfAttribute("..broadcast.category"),
        seller=factory.SelfAttribute("..broadcast.seller.seller"),
    )
    live_price = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.broadcast_product_add(**kwargs)

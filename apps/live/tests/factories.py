"""factory_boy factories of the live module; broadcasts are made through the services, as the site makes them."""

import datetime

import factory
from django.utils import timezone

from apps.catalog.tests.factories import CategoryFactory, ProductFactory, UserFactory
from apps.live import services
from apps.live.models import Broadcast, BroadcastProduct


class SellerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"seller{n}")
    name = factory.Sequence(lambda n: f"셀러{n}")
    is_seller = True


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
    product = factory.SubFactory(ProductFactory, category=factory.SelfAttribute("..broadcast.category"))
    live_price = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.broadcast_product_add(**kwargs)

"""factory_boy factories of the catalog; rows are made through the services, as the site makes them."""

import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.catalog import services
from apps.catalog.models import Category, Product, ProductOption
from apps.sellers.tests.factories import SellerFactory


def image_upload(name: str = "photo.png", size: tuple[int, int] = (640, 480), colour: str = "#5b34e6"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"shopper{n}")
    name = factory.Sequence(lambda n: f"고객{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("pw-1234!a")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"카테고리{n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None
    position = 0

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.category_create(**kwargs)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    seller = factory.SubFactory(SellerFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"데일리 셔츠 {n}")
    brand = "트라이"
    description = "<p>부드러운 면 소재</p>"
    list_price = 30000
    sale_price = 24000
    status = Product.Status.ON_SALE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.product_create(**kwargs)


class ProductOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductOption

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"블랙 / {n}")
    stock = 10
    extra_price = 0

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.option_create(**kwargs)

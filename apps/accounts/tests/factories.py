import factory
from django.utils import timezone

from apps.accounts.models import ShippingAddress, User

PASSWORD = "tri1234!"


class UserFactory(factory.django.DjangoModelFactory):
    """An active shopper with a verified email who can log in with ``PASSWORD``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"shopper{n}")
    name = factory.Sequence(lambda n: f"김고객{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    phone = "010-1234-5678"
    status = User.Status.ACTIVE
    is_active = True
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class PendingUserFactory(UserFactory):
    """A password signup whose email is not verified yet."""

    status = User.Status.PENDING
    is_active = False
    email_verified_at = None


class ShippingAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingAddress

    user = factory.SubFactory(UserFactory)
    recipient = factory.LazyAttribute(lambda address: address.user.name)
    phone = "010-1234-5678"
    postcode = "04778"
    road_address = "서울 성동구 성수이로 100"
    detail_address = "3층"
    is_default = False

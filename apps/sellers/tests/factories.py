"""factory_boy factories of sellers."""

import factory

from apps.sellers.models import Bank, Seller
from apps.sellers.validators import BUSINESS_NUMBER_WEIGHTS


def business_number_for(n: int) -> str:
    """A valid 사업자등록번호 made from ``n`` (its first nine digits, then the check digit)."""
    nine = f"{105_810_000 + n:09d}"[-9:]
    numbers = [int(digit) for digit in nine]
    total = sum(number * weight for number, weight in zip(numbers, BUSINESS_NUMBER_WEIGHTS, strict=True))
    total += numbers[8] * 5 // 10
    return nine + str((10 - total % 10) % 10)


def application(**overrides) -> dict:
    """What a member types into the application form (valid unless overridden)."""
    return {
        "business_name": "하늘상회",
        "representative": "김하늘",
        "business_number": "220-81-62517",
        "mail_order_number": "2024-서울강남-01234",
        "address": "서울특별시 강남구 테헤란로 1",
        "phone": "02-123-4567",
        "email": "cs@haneul.example",
        "bank": Bank.SHINHAN,
        "account_number": "110-123-456789",
        "account_holder": "김하늘",
        "introduction": "",
    } | overrides


class SellerFactory(factory.django.DjangoModelFactory):
    """An approved shop; without ``user`` it has no member behind it (like the house shop)."""

    class Meta:
        model = Seller

    user = None
    business_name = factory.Sequence(lambda n: f"상회{n}")
    representative = factory.Sequence(lambda n: f"대표{n}")
    business_number = factory.Sequence(business_number_for)
    mail_order_number = factory.Sequence(lambda n: f"2024-서울강남-{n:05d}")
    address = "서울특별시 강남구 테헤란로 1"
    phone = "02-123-4567"
    email = factory.Sequence(lambda n: f"shop{n}@example.com")
    bank = Bank.KB
    account_number = "123-45-678901"
    account_holder = factory.SelfAttribute("representative")
    status = Seller.Status.APPROVED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        seller = model_class(*args, **kwargs)
        seller.full_clean()
        seller.save()
        if seller.user_id and seller.status == Seller.Status.APPROVED:
            type(seller.user).objects.filter(pk=seller.user_id).update(is_seller=True)
        return seller

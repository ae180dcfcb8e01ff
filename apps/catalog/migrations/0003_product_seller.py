"""Products belong to a seller. The catalog that existed before sellers is given to the house shop,
"TriMarket 직영" (no member behind it, approved), made here only when there are products to give it; the
demo data then spreads the demo products over the demo sellers (apps/catalog/demo.py)."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

# A copy of apps.sellers.services.HOUSE_DETAILS as it was when this migration was written: a migration must
# not change when the code does.
HOUSE = {
    "business_name": "TriMarket 직영",
    "representative": "김트라이",
    "business_number": "1208123456",
    "mail_order_number": "2026-서울강남-00001",
    "address": "서울특별시 강남구 테헤란로 427, 10층",
    "phone": "1588-0000",
    "email": "help@trimarket.example",
    "bank": "woori",
    "account_number": "1005-301-234567",
    "account_holder": "(주)트라이마켓",
    "introduction": "TriMarket이 직접 고르고 직접 보내는 상품",
}


def products_to_house(apps, schema_editor) -> None:
    Product = apps.get_model("catalog", "Product")
    Seller = apps.get_model("sellers", "Seller")
    if not Product.objects.filter(seller__isnull=True).exists():
        return
    house = Seller.objects.filter(business_number=HOUSE["business_number"]).first()
    if house is None:
        house = Seller.objects.create(**HOUSE, status="approved", reviewed_at=timezone.now())
    Product.objects.filter(seller__isnull=True).update(seller=house)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_product_purchase_limit"),
        ("sellers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="seller",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="products",
                to="sellers.seller",
                verbose_name="판매자",
            ),
        ),
        migrations.RunPython(products_to_house, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["seller", "status", "-sales_count"], name="catalog_product_seller"),
        ),
    ]

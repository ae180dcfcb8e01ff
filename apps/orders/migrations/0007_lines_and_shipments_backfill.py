"""The orders placed before sellers: each line goes to its product's seller (the house shop, "TriMarket 직영",
when the product is gone), and each order gets one shipment per seller, in the state the order was in, with
the order's shipping fee and tracking number on the shipment of its first line."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

# As in catalog's 0003_product_seller: a migration must not change when the code does.
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

SHIPMENT_STATUS = {
    "shipping": "shipped",
    "delivered": "delivered",
    "confirmed": "delivered",
    "cancelled": "cancelled",
    "refunded": "cancelled",
}


def backfill(apps, schema_editor) -> None:
    OrderLine = apps.get_model("orders", "OrderLine")
    Order = apps.get_model("orders", "Order")
    Shipment = apps.get_model("orders", "Shipment")
    Product = apps.get_model("catalog", "Product")
    Seller = apps.get_model("sellers", "Seller")
    lines = OrderLine.objects.filter(seller__isnull=True)
    if not lines.exists():
        return
    sellers = dict(Product.objects.values_list("id", "seller_id"))
    house = Seller.objects.filter(business_number=HOUSE["business_number"]).first()
    for line in lines.iterator():
        seller_id = sellers.get(line.product_id)
        if seller_id is None:
            if house is None:
                house = Seller.objects.create(**HOUSE, status="approved", reviewed_at=timezone.now())
            seller_id = house.pk
        OrderLine.objects.filter(pk=line.pk).update(seller_id=seller_id)
    for order in Order.objects.filter(shipments__isnull=True).iterator():
        seller_ids = list(
            OrderLine.objects.filter(order_id=order.pk).order_by("id").values_list("seller_id", flat=True)
        )
        status = SHIPMENT_STATUS.get(order.status, "preparing")
        for index, seller_id in enumerate(dict.fromkeys(seller_ids)):
            Shipment.objects.create(
                order_id=order.pk,
                seller_id=seller_id,
                status=status,
                shipping_fee=order.shipping_fee if index == 0 else 0,
                tracking_number=order.tracking_number if index == 0 else "",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_shipments"),
        ("catalog", "0004_product_seller_required"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="orderline",
            name="seller",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sellers.seller",
                verbose_name="판매자",
            ),
        ),
    ]

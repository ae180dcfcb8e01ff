"""The category settlement names the shop (``sellers.Seller``) a line was sold by, no longer the member.

Old rows named the broadcast seller's member account (or nobody, for the shop): each is moved to that member's
shop when it has one, else left empty. Rerun ``orders.settlement_daily`` / ``_monthly`` over the old days to
settle every line to its own seller (``manage.py job_rerun``).
"""

import django.db.models.deletion
from django.db import migrations, models


def members_to_shops(apps, schema_editor):
    Settlement = apps.get_model("reports", "Settlement")
    Seller = apps.get_model("sellers", "Seller")
    member_ids = set(Settlement.objects.exclude(seller__isnull=True).values_list("seller_id", flat=True))
    shops = dict(Seller.objects.filter(user_id__in=member_ids).values_list("user_id", "pk"))
    for member_id in member_ids:
        Settlement.objects.filter(seller_id=member_id).update(shop_id=shops.get(member_id))


def shops_to_members(apps, schema_editor):
    Settlement = apps.get_model("reports", "Settlement")
    Seller = apps.get_model("sellers", "Seller")
    shop_ids = set(Settlement.objects.exclude(shop__isnull=True).values_list("shop_id", flat=True))
    members = dict(Seller.objects.filter(pk__in=shop_ids).values_list("pk", "user_id"))
    for shop_id in shop_ids:
        Settlement.objects.filter(shop_id=shop_id).update(seller_id=members.get(shop_id))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_seller_statements"),
        ("sellers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="settlement",
            name="shop",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sellers.seller",
            ),
        ),
        migrations.RunPython(members_to_shops, shops_to_members),
        migrations.RemoveField(model_name="settlement", name="seller"),
        migrations.RenameField(model_name="settlement", old_name="shop", new_name="seller"),
        migrations.AlterField(
            model_name="settlement",
            name="seller",
            field=models.ForeignKey(
                blank=True,
                help_text="주문 상품의 판매자 (비어 있으면 판매자를 알 수 없는 옛 집계)",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sellers.seller",
                verbose_name="셀러",
            ),
        ),
    ]

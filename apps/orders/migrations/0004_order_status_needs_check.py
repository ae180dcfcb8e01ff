"""The 확인필요 order state is stored as ``needs_check`` (it was ``review``, the catalog's word for a product review).

Existing orders and their status history are converted both ways, so the history reads the same either side.
"""

from django.db import migrations, models

STATUS_CHOICES = [
    ("pending", "결제대기"),
    ("paid", "결제완료"),
    ("preparing", "배송준비중"),
    ("shipping", "배송중"),
    ("delivered", "배송완료"),
    ("confirmed", "구매확정"),
    ("cancel_requested", "취소요청"),
    ("cancelled", "취소"),
    ("refunded", "환불"),
    ("needs_check", "확인필요"),
]


def _rename(apps, old: str, new: str) -> None:
    Order = apps.get_model("orders", "Order")
    OrderStatusChange = apps.get_model("orders", "OrderStatusChange")
    Order.objects.filter(status=old).update(status=new)
    OrderStatusChange.objects.filter(from_status=old).update(from_status=new)
    OrderStatusChange.objects.filter(to_status=old).update(to_status=new)


def forwards(apps, schema_editor) -> None:
    _rename(apps, "review", "needs_check")


def backwards(apps, schema_editor) -> None:
    _rename(apps, "needs_check", "review")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_catalog_columns_without_constraints"),
    ]

    operations = [
        migrations.AlterField(
            model_name="order",
            name="status",
            field=models.CharField(
                choices=STATUS_CHOICES, default="pending", max_length=20, verbose_name="상태"
            ),
        ),
        migrations.AlterField(
            model_name="orderstatuschange",
            name="from_status",
            field=models.CharField(blank=True, choices=STATUS_CHOICES, max_length=20, verbose_name="이전 상태"),
        ),
        migrations.AlterField(
            model_name="orderstatuschange",
            name="to_status",
            field=models.CharField(choices=STATUS_CHOICES, max_length=20, verbose_name="변경 상태"),
        ),
        migrations.RunPython(forwards, backwards),
    ]

"""Each order line remembers the units it counted in the catalog's sales figures (counted after commit).

Lines of orders already paid and not cancelled or refunded were counted when they were paid: they start at
their quantity, so the first sync after this migration moves nothing.
"""

from django.db import migrations, models
from django.db.models import F


def forwards(apps, schema_editor) -> None:
    OrderLine = apps.get_model("orders", "OrderLine")
    OrderLine.objects.filter(
        order__paid_at__isnull=False, status__in=("ordered", "cancel_requested")
    ).update(sales_recorded=F("quantity"))


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_order_status_needs_check")]

    operations = [
        migrations.AddField(
            model_name="orderline",
            name="sales_recorded",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="판매 집계 수량"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

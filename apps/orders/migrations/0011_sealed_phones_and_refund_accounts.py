"""Phone and account numbers sealed at rest (apps.core.sealed): wider columns, then existing rows sealed."""

import apps.core.sealed
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0010_returns'),
    ]

    operations = [
        migrations.AlterField(
            model_name='order',
            name='orderer_phone',
            field=apps.core.sealed.SealedCharField(max_length=20, verbose_name='주문자 연락처'),
        ),
        migrations.AlterField(
            model_name='order',
            name='recipient_phone',
            field=apps.core.sealed.SealedCharField(max_length=20, verbose_name='받는 분 연락처'),
        ),
        migrations.AlterField(
            model_name='returnrequest',
            name='refund_account',
            field=apps.core.sealed.SealedJSONField(blank=True, default=dict, verbose_name='환불 계좌'),
        ),
        migrations.RunPython(apps.core.sealed.reseal_migration('orders', 'Order'), migrations.RunPython.noop),
        migrations.RunPython(apps.core.sealed.reseal_migration('orders', 'ReturnRequest'), migrations.RunPython.noop),
    ]

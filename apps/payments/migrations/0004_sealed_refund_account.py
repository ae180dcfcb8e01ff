"""Phone and account numbers sealed at rest (apps.core.sealed): wider columns, then existing rows sealed."""

import apps.core.sealed
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0003_payment_methods'),
    ]

    operations = [
        migrations.AlterField(
            model_name='refund',
            name='refund_account',
            field=apps.core.sealed.SealedJSONField(blank=True, default=dict, verbose_name='환불 계좌'),
        ),
        migrations.RunPython(apps.core.sealed.reseal_migration('payments', 'Refund'), migrations.RunPython.noop),
    ]

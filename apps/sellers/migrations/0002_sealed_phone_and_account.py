"""Phone and account numbers sealed at rest (apps.core.sealed): wider columns, then existing rows sealed."""

import apps.core.sealed
import apps.sellers.validators
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('sellers', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='seller',
            name='account_number',
            field=apps.core.sealed.SealedCharField(max_length=20, validators=[apps.sellers.validators.account_number_validate], verbose_name='계좌번호'),
        ),
        migrations.AlterField(
            model_name='seller',
            name='phone',
            field=apps.core.sealed.SealedCharField(max_length=20, validators=[apps.sellers.validators.phone_validate], verbose_name='고객 문의 전화'),
        ),
        migrations.RunPython(apps.core.sealed.reseal_migration('sellers', 'Seller'), migrations.RunPython.noop),
    ]

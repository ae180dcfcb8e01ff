"""Phone and account numbers sealed at rest (apps.core.sealed): wider columns, then existing rows sealed."""

import apps.core.sealed
import django.core.validators
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_accountban'),
    ]

    operations = [
        migrations.AlterField(
            model_name='shippingaddress',
            name='phone',
            field=apps.core.sealed.SealedCharField(max_length=20, validators=[django.core.validators.RegexValidator('^01[016789]-?\\d{3,4}-?\\d{4}$', '휴대폰 번호를 010-1234-5678 형식으로 입력해 주세요.')], verbose_name='연락처'),
        ),
        migrations.AlterField(
            model_name='user',
            name='phone',
            field=apps.core.sealed.SealedCharField(blank=True, max_length=20, verbose_name='휴대폰 번호'),
        ),
        migrations.RunPython(apps.core.sealed.reseal_migration('accounts', 'User'), migrations.RunPython.noop),
        migrations.RunPython(apps.core.sealed.reseal_migration('accounts', 'ShippingAddress'), migrations.RunPython.noop),
    ]

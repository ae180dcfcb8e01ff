
"""Order lines name their seller; an order ships as one shipment per seller."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0005_orderline_sales_recorded'),
        ('sellers', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='orderline',
            name='seller',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sellers.seller', verbose_name='판매자'),
        ),
        migrations.CreateModel(
            name='Shipment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('preparing', '배송준비중'), ('shipped', '배송중'), ('delivered', '배송완료'), ('cancelled', '취소')], default='preparing', max_length=12, verbose_name='상태')),
                ('shipping_fee', models.PositiveIntegerField(default=0, verbose_name='배송비')),
                ('carrier', models.CharField(blank=True, max_length=16, verbose_name='택배사')),
                ('tracking_number', models.CharField(blank=True, max_length=40, verbose_name='송장번호')),
                ('shipped_at', models.DateTimeField(blank=True, null=True, verbose_name='발송일')),
                ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='배송완료일')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='생성일')),
                ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shipments', to='orders.order', verbose_name='주문')),
                ('seller', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shipments', to='sellers.seller', verbose_name='판매자')),
            ],
            options={
                'verbose_name': '배송',
                'verbose_name_plural': '배송',
                'ordering': ('order_id', 'id'),
                'indexes': [models.Index(fields=['seller', 'status', '-created_at'], name='orders_shipment_seller')],
                'constraints': [models.UniqueConstraint(fields=('order', 'seller'), name='orders_shipment_order_seller')],
            },
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="purchase_limit",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="한 회원이 이 상품을 살 수 있는 최대 수량 (라이브 한정 판매 등). 비우면 제한 없음.",
                null=True,
                verbose_name="1인 구매 한도",
            ),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="refund",
            name="plan",
            field=models.JSONField(blank=True, default=dict, verbose_name="환불 후 처리"),
        ),
        migrations.AlterField(
            model_name="refund",
            name="status",
            field=models.CharField(
                choices=[("pending", "환불 진행 중"), ("done", "환불 완료"), ("failed", "환불 실패")],
                max_length=8,
                verbose_name="상태",
            ),
        ),
    ]

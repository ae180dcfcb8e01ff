from django import forms
from django.utils import timezone

from apps.catalog.models import Category
from apps.core.uploads import image_upload_validate
from apps.live.models import Broadcast


class BroadcastForm(forms.ModelForm):
    """A seller's new broadcast in the studio (stream key and public name are issued by the service)."""

    scheduled_at = forms.DateTimeField(
        label="방송 예정 시각", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = Broadcast
        fields = ("title", "category", "scheduled_at", "description", "cover")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("path")
        self.fields["cover"].validators.append(image_upload_validate)

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value < timezone.now() - timezone.timedelta(minutes=5):
            raise forms.ValidationError("지난 시각으로는 예약할 수 없어요.")
        return value


class ProductAddForm(forms.Form):
    """A product for the broadcast and its live price; the service checks the price against the product's."""

    product = forms.IntegerField(
        label="상품",
        min_value=1,
        error_messages={"required": "추가할 상품을 골라 주세요.", "invalid": "추가할 상품을 골라 주세요."},
    )
    live_price = forms.IntegerField(
        label="라이브 특가 (원)",
        min_value=1,
        required=False,
        error_messages={
            "min_value": "라이브 특가는 1원 이상이어야 해요.",
            "invalid": "라이브 특가는 숫자로 적어 주세요.",
        },
    )

    def first_error(self) -> str:
        for errors in self.errors.values():
            return errors[0]
        return ""

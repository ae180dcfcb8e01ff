"""Forms of the seller center's orders pages: 발송 처리, a refused cancel's reason, the 발송 CSV."""

from django import forms
from django.core.exceptions import ValidationError

from apps.orders.carriers import CARRIER_CHOICES, carrier_find, tracking_number_clean

REFUSE_REASON_MAX = 200


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(label="택배사", choices=(("", "택배사 선택"), *CARRIER_CHOICES))
    tracking_number = forms.CharField(
        label="송장번호",
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "숫자만"}
        ),
        error_messages={"required": "송장번호를 입력해 주세요."},
    )

    def clean(self):
        data = super().clean()
        if data.get("carrier") and data.get("tracking_number"):
            try:
                data["tracking_number"] = tracking_number_clean(
                    carrier_find(data["carrier"]), data["tracking_number"]
                )
            except ValidationError as error:
                self.add_error("tracking_number", error)
        return data


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="거부 사유",
        max_length=REFUSE_REASON_MAX,
        widget=forms.TextInput(attrs={"placeholder": "예: 이미 포장을 마쳐 오늘 발송돼요"}),
        error_messages={"required": "거부 사유를 입력해 주세요. 고객에게 그대로 보여요."},
    )


class ShipUploadForm(forms.Form):
    file = forms.FileField(
        label="발송 CSV 파일",
        error_messages={"required": "CSV 파일을 골라 주세요.", "empty": "빈 파일이에요."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

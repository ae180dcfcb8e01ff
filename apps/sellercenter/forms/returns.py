"""Forms of the seller center's returns pages: a refusal's reason; the way back's or the exchange's tracking
number is the orders pages' ``ShipForm`` (same carriers, same number check)."""

from django import forms

from apps.sellercenter.forms.orders import REFUSE_REASON_MAX, ShipForm


class ReturnRefuseForm(forms.Form):
    reason = forms.CharField(
        label="거부 사유",
        max_length=REFUSE_REASON_MAX,
        widget=forms.TextInput(attrs={"placeholder": "예: 착용 흔적이 있어 반품할 수 없어요"}),
        error_messages={"required": "거부 사유를 입력해 주세요. 고객에게 그대로 보여요."},
    )


__all__ = ["ReturnRefuseForm", "ShipForm"]

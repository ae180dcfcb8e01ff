"""The shopper's return or exchange request and the way back's tracking number."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.orders.carriers import CARRIER_CHOICES
from apps.orders.models import ReturnRequest


class ReturnRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("신청 구분"), choices=ReturnRequest.Kind.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label=_("사유"), choices=ReturnRequest.Reason.choices, widget=forms.RadioSelect
    )
    detail = forms.CharField(
        label=_("자세한 사유"),
        max_length=500,
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("예: 사이즈가 작아요, 박음질이 풀려 있어요")}
        ),
    )

    # Asked only when the order was paid by 가상계좌 (the page shows these fields then).
    refund_bank = forms.RegexField(regex=r"^\d{3}$", required=False)
    refund_account = forms.RegexField(regex=r"^\d[\d-]{5,24}$", required=False)
    refund_holder = forms.CharField(max_length=20, required=False)

    @property
    def refund_account_given(self) -> dict | None:
        """{bank, account, holder} when all three are given and well formed, else None."""
        data = self.cleaned_data if self.is_valid() else {}
        account = {
            "bank": data.get("refund_bank", ""),
            "account": (data.get("refund_account") or "").replace("-", ""),
            "holder": (data.get("refund_holder") or "").strip(),
        }
        return account if all(account.values()) else None

    def quantities(self, data, line_ids) -> dict[int, int]:
        """{line id: units} from the ``qty_<line id>`` fields; an unreadable number counts as 0."""
        wanted = {}
        for line_id in line_ids:
            try:
                wanted[line_id] = max(int(data.get(f"qty_{line_id}") or 0), 0)
            except ValueError:
                wanted[line_id] = 0
        return wanted


class ReturnTrackingForm(forms.Form):
    carrier = forms.ChoiceField(label=_("택배사"), choices=(("", "택배사 선택"), *CARRIER_CHOICES))
    tracking_number = forms.CharField(label=_("송장번호"), max_length=40)

"""Forms parse and validate input only; views hand the cleaned data to apps.orders.services."""

from django import forms

from apps.accounts.models import phone_validator, postcode_validator

NEW_ADDRESS = "new"
DELIVERY_REQUESTS = (
    "",
    "문 앞에 놓아 주세요",
    "경비실에 맡겨 주세요",
    "배송 전에 연락 주세요",
    "택배함에 넣어 주세요",
)


def _input(placeholder: str = "", **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"placeholder": placeholder, **attrs})


class CartAddForm(forms.Form):
    product = forms.IntegerField(min_value=1)
    option = forms.IntegerField(min_value=1, required=False)
    quantity = forms.IntegerField(min_value=1, max_value=99, initial=1)
    action = forms.ChoiceField(choices=(("cart", "장바구니"), ("buy", "바로 구매")), required=False)


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=99)


class CheckoutForm(forms.Form):
    """Where it goes (a saved address or a new one), who orders, and the total the shopper saw."""

    address = forms.CharField(required=False)
    recipient = forms.CharField(
        label="받는 분", max_length=50, required=False, widget=_input("받는 분 이름", autocomplete="name")
    )
    recipient_phone = forms.CharField(
        label="연락처",
        max_length=20,
        required=False,
        validators=[phone_validator],
        widget=_input("예: 010-1234-5678", inputmode="tel", autocomplete="tel"),
    )
    postcode = forms.CharField(
        label="우편번호",
        max_length=5,
        required=False,
        validators=[postcode_validator],
        widget=_input(
            "12345", inputmode="numeric", autocomplete="postal-code", **{"data-postcode": "postcode"}
        ),
    )
    road_address = forms.CharField(
        label="도로명 주소",
        max_length=200,
        required=False,
        widget=_input("도로명 주소", autocomplete="address-line1", **{"data-postcode": "road"}),
    )
    detail_address = forms.CharField(
        label="상세 주소",
        max_length=200,
        required=False,
        widget=_input("동·호수 등 상세 주소", autocomplete="address-line2", **{"data-postcode": "detail"}),
    )
    save_address = forms.BooleanField(label="배송지 목록에 저장", required=False)
    orderer_name = forms.CharField(
        label="주문자", max_length=50, widget=_input("주문자 이름", autocomplete="name")
    )
    orderer_phone = forms.CharField(
        label="휴대폰 번호",
        max_length=20,
        validators=[phone_validator],
        widget=_input("예: 010-1234-5678", inputmode="tel", autocomplete="tel"),
    )
    orderer_email = forms.EmailField(
        label="이메일",
        required=False,
        widget=forms.EmailInput(attrs={"placeholder": "주문 안내를 받을 이메일"}),
    )
    delivery_request = forms.CharField(
        label="배송 요청사항",
        max_length=100,
        required=False,
        widget=_input("예: 부재 시 문 앞에 놓아 주세요"),
    )
    expected_total = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # One of the methods payments offers (orders.hooks.payment_methods); an unknown one falls back to the first.
    pay_method = forms.CharField(max_length=12, required=False)
    agree = forms.BooleanField(
        label="주문 내용을 확인했으며 결제에 동의합니다",
        error_messages={"required": "주문 내용 확인 및 결제 동의에 체크해 주세요."},
    )

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.addresses = {str(address.pk): address for address in addresses}

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("address") or NEW_ADDRESS
        if choice != NEW_ADDRESS:
            if choice not in self.addresses:
                self.add_error("address", "배송지를 다시 선택해 주세요.")
            return cleaned
        for name in ("recipient", "recipient_phone", "postcode", "road_address"):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, f"{self.fields[name].label}을(를) 입력해 주세요.")
        return cleaned

    @property
    def new_address_chosen(self) -> bool:
        """Whether the page opens on the new-address fields: no saved address is chosen (as checkout.js decides)."""
        return str(self["address"].value() or "") not in self.addresses

    @property
    def chosen_address(self):
        return self.addresses.get(self.cleaned_data.get("address") or "")


class CancelForm(forms.Form):
    """Which lines to cancel and, for a deposit (가상계좌) being refunded, the buyer's refund account."""

    lines = forms.TypedMultipleChoiceField(coerce=int, required=False)
    refund_bank = forms.RegexField(regex=r"^\d{3}$", required=False)
    refund_account = forms.RegexField(regex=r"^\d[\d-]{5,24}$", required=False)
    refund_holder = forms.CharField(max_length=20, required=False)

    def __init__(self, *args, line_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [(line_id, line_id) for line_id in line_ids]

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

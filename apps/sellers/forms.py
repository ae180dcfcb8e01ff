"""The seller application: fields a Korean online seller has to hand, checked before staff see them."""

from django import forms

from apps.sellers.models import Seller
from apps.sellers.services import APPLICATION_FIELDS
from apps.sellers.validators import business_number_digits, business_number_validate


def _input(placeholder: str = "", **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"placeholder": placeholder, **attrs})


class SellerApplicationForm(forms.ModelForm):
    business_number = forms.CharField(
        label="사업자등록번호",
        max_length=12,
        help_text="사업자등록증의 10자리 번호 (‘-’는 넣어도 되고 빼도 돼요)",
        widget=_input("예: 123-45-67890", inputmode="numeric"),
    )

    class Meta:
        model = Seller
        fields = APPLICATION_FIELDS
        labels = {"introduction": "상점 한 줄 소개 (선택)"}
        help_texts = {
            "mail_order_number": "시·군·구청에 신고한 번호예요. 예: 2024-서울강남-01234",
            "phone": "상점 페이지에 고객 문의처로 보여요.",
            "account_holder": "사업자 명의의 계좌만 정산받을 수 있어요.",
        }
        widgets = {
            "business_name": _input("예: 트라이상회", autocomplete="organization"),
            "representative": _input("사업자등록증의 대표자 이름", autocomplete="name"),
            "mail_order_number": _input("예: 2024-서울강남-01234"),
            "address": _input("사업장 주소 (도로명)", autocomplete="street-address"),
            "phone": _input("예: 02-1234-5678", inputmode="tel", autocomplete="tel"),
            "email": forms.EmailInput(attrs={"placeholder": "cs@example.com", "autocomplete": "email"}),
            "account_number": _input("숫자와 ‘-’", inputmode="numeric"),
            "account_holder": _input("예금주"),
            "introduction": _input("예: 매일 아침 산지에서 바로 보내는 제철 과일"),
        }

    def clean_business_number(self) -> str:
        value = business_number_digits(self.cleaned_data["business_number"])
        business_number_validate(value)
        return value

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["business_number"] = self.instance.business_number_display

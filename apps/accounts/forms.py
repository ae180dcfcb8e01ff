"""Forms parse and validate input only; views hand the cleaned data to apps.accounts.services."""

import re

from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from apps.accounts import selectors
from apps.accounts.models import ShippingAddress, User, phone_validator, postcode_validator
from apps.core.selectors import policies_current

USERNAME_RE = re.compile(r"^[a-z0-9_]{4,20}$")
USERNAME_RULE = "영문 소문자, 숫자, 밑줄(_)로 4~20자"


def username_problem(username: str) -> str | None:
    """Why ``username`` cannot be a new login ID, in words for the signup field; None when it can."""
    if not USERNAME_RE.match(username):
        return f"아이디는 {USERNAME_RULE}로 입력해 주세요."
    if selectors.username_is_taken(username=username):
        return "이미 사용 중인 아이디예요. 다른 아이디를 입력해 주세요."
    return None


def _input(placeholder: str = "", **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"placeholder": placeholder, **attrs})


def _postcode_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label="우편번호",
        max_length=5,
        required=required,
        validators=[postcode_validator],
        widget=_input(
            "12345", inputmode="numeric", autocomplete="postal-code", **{"data-postcode": "postcode"}
        ),
    )


def _road_address_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label="도로명 주소",
        max_length=200,
        required=required,
        widget=_input("도로명 주소", autocomplete="address-line1", **{"data-postcode": "road"}),
    )


def _detail_address_field() -> forms.CharField:
    return forms.CharField(
        label="상세 주소",
        max_length=200,
        required=False,
        widget=_input("동·호수 등 상세 주소", autocomplete="address-line2", **{"data-postcode": "detail"}),
    )


class PolicyAgreementForm(forms.Form):
    """The two agreements every signup asks (password or Kakao/Naver), each to the version in force.

    Two consents, not one: the privacy law wants the collection of personal data agreed to on its own. The
    page posts back the versions it linked to (``accounts/_agreements.html``): what the member read is what
    gets recorded, or the form asks again.
    """

    agree_terms = forms.BooleanField(
        label="이용약관 동의 (필수)", error_messages={"required": "이용약관에 동의해 주세요."}
    )
    agree_privacy = forms.BooleanField(
        label="개인정보 수집·이용 동의 (필수)",
        error_messages={"required": "개인정보 수집·이용에 동의해 주세요."},
    )
    terms_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    privacy_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    AGREEMENT_FIELDS = ("agree_terms", "agree_privacy", "terms_version", "privacy_version")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # kind → the PolicyDocument in force; a kind with none yet is agreed to without a version.
        self.policies = policies_current()

    @property
    def profile_fields(self) -> list:
        """The bound fields other than the agreements, for templates that loop over the form."""
        return [self[name] for name in self.fields if name not in self.AGREEMENT_FIELDS]

    def clean(self):
        cleaned = super().clean()
        for kind, document in self.policies.items():
            if cleaned.get(f"agree_{kind}") and cleaned.get(f"{kind}_version") != document.version:
                self.add_error(
                    f"agree_{kind}",
                    f"{document.get_kind_display()}이 새 버전으로 바뀌었어요. 내용을 확인하고 다시 동의해 주세요.",
                )
        return cleaned


class SignupForm(PolicyAgreementForm):
    username = forms.CharField(
        label="아이디",
        max_length=20,
        help_text=USERNAME_RULE,
        widget=_input("아이디 입력", autocomplete="username", autocapitalize="none", spellcheck="false"),
    )
    password1 = forms.CharField(
        label="비밀번호",
        strip=False,
        help_text="영문, 숫자, 특수문자를 모두 포함해 8자 이상",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "placeholder": "비밀번호 입력"}),
    )
    password2 = forms.CharField(
        label="비밀번호 확인",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "placeholder": "비밀번호 다시 입력"}
        ),
    )
    name = forms.CharField(label="이름", max_length=50, widget=_input("이름", autocomplete="name"))
    email = forms.EmailField(
        label="이메일",
        help_text="가입 인증 코드를 이 주소로 보내드려요.",
        widget=forms.EmailInput(attrs={"placeholder": "example@email.com", "autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="휴대폰 번호",
        max_length=13,
        validators=[phone_validator],
        widget=_input("예: 010-1234-5678", inputmode="tel", autocomplete="tel"),
    )
    postcode = _postcode_field(required=False)
    road_address = _road_address_field(required=False)
    detail_address = _detail_address_field()
    field_order = ["username", "password1", "password2", "name", "email", "phone"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        problem = username_problem(username)
        if problem:
            raise ValidationError(problem, code="username_unavailable")
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if selectors.email_is_taken(email=email):
            raise ValidationError(
                "이미 가입된 이메일이에요. 아이디 찾기나 비밀번호 찾기를 이용해 주세요.", code="email_taken"
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1:
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            candidate.name = cleaned.get("name", "")
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "비밀번호가 서로 달라요. 같은 비밀번호를 입력해 주세요.")
        # The address is optional at signup, but half an address is a mistake worth pointing out.
        if cleaned.get("postcode") and not cleaned.get("road_address"):
            self.add_error("road_address", "도로명 주소를 입력해 주세요.")
        if cleaned.get("road_address") and not cleaned.get("postcode"):
            self.add_error("postcode", "우편번호를 입력해 주세요.")
        return cleaned


class VerificationCodeForm(forms.Form):
    code = forms.CharField(
        label="인증 코드 6자리",
        min_length=6,
        max_length=6,
        widget=_input("000000", inputmode="numeric", autocomplete="one-time-code", pattern=r"\d{6}"),
    )


class EmailChangeForm(forms.Form):
    """The new address, and the password for members who have one (Kakao/Naver members have none)."""

    email = forms.EmailField(
        label="새 이메일",
        max_length=254,
        widget=forms.EmailInput(attrs={"placeholder": "new@email.com", "autocomplete": "email"}),
    )
    password = forms.CharField(
        label="현재 비밀번호",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "placeholder": "현재 비밀번호"}
        ),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not user.has_usable_password():
            self.fields.pop("password")


class LoginForm(forms.Form):
    username = forms.CharField(
        label="아이디",
        max_length=150,
        widget=_input("아이디", autocomplete="username", autocapitalize="none"),
    )
    password = forms.CharField(
        label="비밀번호",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "placeholder": "비밀번호"}),
    )
    remember = forms.BooleanField(label="자동 로그인", required=False)


class FindIdForm(forms.Form):
    name = forms.CharField(label="이름", max_length=50, widget=_input("가입할 때 입력한 이름"))
    email = forms.EmailField(
        label="이메일", widget=forms.EmailInput(attrs={"placeholder": "가입할 때 입력한 이메일"})
    )


class ProfileForm(forms.Form):
    name = forms.CharField(label="이름", max_length=50, widget=_input(autocomplete="name"))
    phone = forms.CharField(
        label="휴대폰 번호",
        max_length=13,
        validators=[phone_validator],
        widget=_input("예: 010-1234-5678", inputmode="tel", autocomplete="tel"),
    )


class AddressForm(forms.ModelForm):
    postcode = _postcode_field(required=True)
    road_address = _road_address_field(required=True)
    detail_address = _detail_address_field()

    class Meta:
        model = ShippingAddress
        fields = ["label", "recipient", "phone", "postcode", "road_address", "detail_address", "is_default"]
        widgets = {
            "label": _input("예: 집, 회사"),
            "recipient": _input("받는 분 이름", autocomplete="name"),
            "phone": _input("예: 010-1234-5678", inputmode="tel", autocomplete="tel"),
        }


class WithdrawForm(forms.Form):
    password = forms.CharField(
        label="비밀번호 확인",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "placeholder": "현재 비밀번호"}
        ),
    )
    confirm = forms.BooleanField(label="안내 사항을 모두 확인했으며, 탈퇴에 동의합니다.")


class SocialConnectForm(forms.Form):
    password = forms.CharField(
        label="비밀번호",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "placeholder": "기존 계정 비밀번호"}
        ),
    )


class SocialSignupForm(PolicyAgreementForm, AllauthSocialSignupForm):
    """allauth's social signup, asking only for what Kakao or Naver did not give (name, email, phone).

    The login ID is made from the provider and its user id, so a social shopper never picks one.
    """

    name = forms.CharField(label="이름", max_length=50, widget=_input("이름", autocomplete="name"))
    phone = forms.CharField(
        label="휴대폰 번호",
        max_length=13,
        validators=[phone_validator],
        widget=_input("예: 010-1234-5678", inputmode="tel", autocomplete="tel"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = self.sociallogin.user
        self.fields.pop("username", None)
        self.fields["email"].label = "이메일"
        self.fields["email"].widget.attrs["placeholder"] = "example@email.com"
        given_email = self.initial.get("email")
        if given_email and not selectors.email_is_taken(email=given_email):
            self.fields.pop("email")
            self.given_email = given_email
        if user.name:
            self.fields.pop("name")
        if user.phone:
            self.fields.pop("phone")

    @property
    def asked_fields(self) -> list[str]:
        return list(self.fields)

    def clean_email(self) -> str:
        email = super().clean_email()
        if selectors.email_is_taken(email=email):
            raise ValidationError(
                "이미 가입된 이메일이에요. 다른 이메일을 입력해 주세요.", code="email_taken"
            )
        return email

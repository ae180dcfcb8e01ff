"""The products pages' forms: they parse what a seller typed; the rules themselves are the catalog's
(``apps.catalog.services.seller_products``), whose Korean errors ``errors_attach`` puts on these fields."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from apps.catalog.forms import MultipleImageField
from apps.catalog.selectors import categories_for_choice
from apps.catalog.services import csv_decode
from apps.catalog.services.seller_products import OPTIONS_MAX, PRICE_MAX, STOCK_MAX
from apps.catalog.services.stock_csv_format import CSV_MAX_BYTES
from apps.core.uploads import image_upload_validate

WON = {"inputmode": "numeric", "placeholder": "0"}


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category) -> str:
        return "　" * category.depth + category.name


def _won_field(label: str, *, required: bool = True, min_value: int = 0) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=min_value,
        max_value=PRICE_MAX,
        widget=forms.NumberInput(attrs=WON),
    )


class ProductForm(forms.Form):
    name = forms.CharField(label="상품명", max_length=120)
    category = CategoryChoiceField(label="카테고리", queryset=None, empty_label="카테고리를 고르세요")
    brand = forms.CharField(label="브랜드", max_length=60, required=False)
    list_price = _won_field("정가 (원)", min_value=1)
    sale_price = _won_field("판매가 (원)", min_value=1)
    purchase_limit = forms.IntegerField(
        label="1인 구매 한도",
        required=False,
        min_value=1,
        max_value=999,
        help_text="비우면 제한 없음. 라이브 한정 판매 등에 써요.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    description = forms.CharField(
        label="상세 설명",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="줄바꿈은 그대로 보여요. p, strong, img 같은 HTML 태그도 쓸 수 있어요 (스크립트는 지워져요).",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_for_choice()

    def clean(self):
        data = super().clean()
        if data.get("list_price") and data.get("sale_price") and data["sale_price"] > data["list_price"]:
            self.add_error("sale_price", "판매가는 정가보다 클 수 없어요.")
        return data


class NewProductForm(ProductForm):
    hidden = forms.BooleanField(label="숨김으로 등록 (준비가 끝나면 보이기로 바꿔요)", required=False)
    images = MultipleImageField(
        label="사진 (여러 장 고를 수 있어요)", required=False, validators=[image_upload_validate]
    )


class OptionForm(forms.Form):
    option_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The stock the page showed: saving compares against it, so a sale made meanwhile is not written over.
    expected_stock = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="옵션명", max_length=80, required=False)
    extra_price = forms.IntegerField(
        label="추가금액",
        required=False,
        min_value=0,
        max_value=PRICE_MAX,
        widget=forms.NumberInput(attrs=WON),
    )
    stock = forms.IntegerField(
        label="재고", required=False, min_value=0, max_value=STOCK_MAX, widget=forms.NumberInput(attrs=WON)
    )

    def clean(self):
        data = super().clean()
        if data.get("option_id") and not data.get("name"):
            self.add_error("name", "옵션명을 입력해 주세요.")
        if data.get("name") and data.get("stock") is None and not self.errors.get("stock"):
            self.add_error("stock", "재고를 입력해 주세요.")
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("option_id") and not data.get("name")


OptionFormSet = forms.formset_factory(OptionForm, extra=1, max_num=OPTIONS_MAX, absolute_max=OPTIONS_MAX + 5)
NewOptionFormSet = forms.formset_factory(
    OptionForm, extra=3, max_num=OPTIONS_MAX, absolute_max=OPTIONS_MAX + 5
)


class ImagesForm(forms.Form):
    images = MultipleImageField(label="사진 추가", required=False, validators=[image_upload_validate])

    def clean_images(self) -> list:
        if not self.cleaned_data.get("images"):
            raise ValidationError("올릴 사진을 골라 주세요.")
        return self.cleaned_data["images"]


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV 파일",
        help_text="내보내기 한 CSV를 엑셀에서 고쳐 저장한 파일 (UTF-8 또는 CP949, 1MB까지)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        """The file's text: too big, or in an encoding Korean spreadsheets do not write, is a form error."""
        upload = self.cleaned_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise ValidationError(f"CSV 파일은 {CSV_MAX_BYTES // 1024 // 1024}MB 이하로 올려 주세요.")
        return csv_decode(upload.read())


class CsvConfirmForm(forms.Form):
    """The previewed file, sent back as text: the import reads and checks all of it again."""

    text = forms.CharField(widget=forms.HiddenInput, max_length=CSV_MAX_BYTES, strip=False)
    # {option id: stock} as the preview read it; the confirm changes a stock only if it is still that.
    stock_seen = forms.JSONField(widget=forms.HiddenInput, required=False)

    def clean_stock_seen(self) -> dict[int, int]:
        seen = self.cleaned_data.get("stock_seen") or {}
        if not isinstance(seen, dict):
            return {}
        try:
            return {int(option_id): int(stock) for option_id, stock in seen.items()}
        except (TypeError, ValueError):
            return {}


def errors_attach(form: forms.Form, error: ValidationError, *, fields: dict | None = None) -> None:
    """Put a service's ValidationError on the form: on the field of the same name (or ``fields[name]``), else
    on the form as a whole."""
    fields = fields or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = fields.get(name, name)
        form.add_error(target if target in form.fields and target != NON_FIELD_ERRORS else None, messages)

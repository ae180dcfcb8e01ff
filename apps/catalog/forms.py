from django import forms
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Review
from apps.catalog.selectors import DEFAULT_SORT, SORTS
from apps.core.uploads import image_upload_validate

PRICE_MAX = 100_000_000


class ListingForm(forms.Form):
    """The querystring of a category or search page; anything invalid falls back to the default."""

    q = forms.CharField(required=False, max_length=100)
    sort = forms.ChoiceField(required=False, choices=[(key, label) for key, (label, _order) in SORTS.items()])
    min_price = forms.IntegerField(required=False, min_value=0, max_value=PRICE_MAX)
    max_price = forms.IntegerField(required=False, min_value=0, max_value=PRICE_MAX)

    def filters(self) -> dict:
        self.is_valid()  # cleaned_data keeps the valid fields of a partly wrong querystring
        data = self.cleaned_data
        return {
            "query": (data.get("q") or "").strip(),
            "sort": data.get("sort") or DEFAULT_SORT,
            "min_price": data.get("min_price"),
            "max_price": data.get("max_price"),
        }


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Several pictures from one <input type=file multiple>."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ReviewForm(forms.ModelForm):
    photos = MultipleImageField(
        label=_("사진 (최대 5장)"), required=False, validators=[image_upload_validate]
    )

    class Meta:
        model = Review
        fields = ("rating", "text")
        widgets = {
            "rating": forms.RadioSelect(choices=[(n, f"{n}점") for n in range(5, 0, -1)]),
            "text": forms.Textarea(
                attrs={"rows": 5, "placeholder": _("상품을 받아 보신 느낌을 들려주세요.")}
            ),
        }

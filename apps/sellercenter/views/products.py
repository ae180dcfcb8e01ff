"""A seller's products: the list, a new product, its edit page (details, options and stock, pictures,
hidden or shown), and the CSV export and import (upload → preview → confirm).

Every object is reached through ``request.seller`` by the catalog's ``*_get_for_seller`` selectors and
services, so another shop's product id is a 404, on GET and POST alike.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from apps.catalog import selectors, services
from apps.sellercenter.access import seller_center_view
from apps.sellercenter.forms.products import (
    CsvConfirmForm,
    CsvUploadForm,
    ImagesForm,
    NewOptionFormSet,
    NewProductForm,
    OptionFormSet,
    ProductForm,
    errors_attach,
)

PRODUCTS_PER_PAGE = 30
STATE_FILTERS = (("", "전체"), ("on_sale", "판매중"), ("hidden", "숨김"), ("sold_out", "품절"))
IMAGE_ACTIONS = {"up", "down", "main", "delete"}
PRODUCT_FIELDS = ("category", "name", "brand", "list_price", "sale_price", "purchase_limit", "description")


def _page(request, template: str, context: dict, *, status: int = 200):
    return render(
        request, template, {"seller": request.seller, "section": "products", **context}, status=status
    )


def _edit_url(product_id: int) -> str:
    return f"/seller/products/{product_id}/"


@seller_center_view
@require_safe
def product_list(request):
    query = request.GET.get("q", "").strip()[:100]
    state = request.GET.get("state", "")
    state = state if state in selectors.SELLER_PRODUCT_STATES else ""
    products = selectors.seller_products(seller=request.seller, query=query, state=state)
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    for product in page.object_list:
        product.thumbnail_url = default_storage.url(product.main_thumbnail) if product.main_thumbnail else ""
    counts = selectors.seller_product_counts(seller=request.seller)
    filters = [(key, label, counts[key or "all"]) for key, label in STATE_FILTERS]
    return _page(
        request,
        "sellercenter/products/list.html",
        {"page": page, "query": query, "state": state, "filters": filters},
    )


def _options_from(formset) -> list[services.OptionInput]:
    return [
        services.OptionInput(
            name=form.cleaned_data["name"],
            extra_price=form.cleaned_data.get("extra_price") or 0,
            stock=form.cleaned_data.get("stock") or 0,
        )
        for form in formset
        if not form.is_blank
    ]


@seller_center_view
def product_new(request):
    form = NewProductForm(request.POST or None, request.FILES or None)
    formset = NewOptionFormSet(request.POST or None, prefix="options")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                product = services.seller_product_create(
                    seller=request.seller,
                    options=_options_from(formset),
                    hidden=form.cleaned_data["hidden"],
                    **{field: form.cleaned_data[field] for field in PRODUCT_FIELDS},
                )
                if form.cleaned_data["images"]:
                    services.seller_images_add(
                        seller=request.seller, product_id=product.pk, images=form.cleaned_data["images"]
                    )
        except ValidationError as error:
            errors_attach(form, error)
        else:
            messages.success(request, f"‘{product.name}’ 상품을 등록했어요.")
            return redirect(_edit_url(product.pk))
    return _page(
        request,
        "sellercenter/products/new.html",
        {"form": form, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


def _option_initial(product) -> list[dict]:
    return [
        {
            "option_id": option.pk,
            "expected_stock": option.stock,
            "name": option.name,
            "extra_price": option.extra_price,
            "stock": option.stock,
        }
        for option in product.options.all()
    ]


def _edit_page(request, product, *, form=None, formset=None, images_form=None, status: int = 200):
    form = form or ProductForm(
        initial={field: getattr(product, field) for field in PRODUCT_FIELDS}
        | {"category": product.category_id, "description": services.description_for_edit(product.description)}
    )
    formset = formset or OptionFormSet(initial=_option_initial(product), prefix="options")
    return _page(
        request,
        "sellercenter/products/edit.html",
        {
            "product": product,
            "form": form,
            "formset": formset,
            "images_form": images_form or ImagesForm(),
            "images": list(product.images.all()),
            "options": {option.pk: option for option in product.options.all()},
        },
        status=status,
    )


@seller_center_view
def product_edit(request, pk: int):
    product = selectors.seller_product_edit(seller=request.seller, product_id=pk)
    if request.method != "POST":
        return _edit_page(request, product)
    form = ProductForm(request.POST)
    if form.is_valid():
        try:
            services.seller_product_update(
                seller=request.seller,
                product_id=product.pk,
                **{field: form.cleaned_data[field] for field in PRODUCT_FIELDS},
            )
        except ValidationError as error:
            errors_attach(form, error)
        else:
            messages.success(request, "상품 정보를 저장했어요.")
            return redirect(_edit_url(product.pk))
    return _edit_page(request, product, form=form, status=400)


@seller_center_view
@require_POST
def product_visibility(request, pk: int):
    hidden = request.POST.get("hidden") == "1"
    product = services.seller_product_visibility_set(seller=request.seller, product_id=pk, hidden=hidden)
    messages.success(request, f"‘{product.name}’ 상품을 {'숨겼어요' if hidden else '다시 보이게 했어요'}.")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/seller/products/") else "/seller/products/")


@seller_center_view
@require_POST
def product_options(request, pk: int):
    """Save the options table: each changed row, and a filled blank row as a new option, in one transaction."""
    product = selectors.seller_product_edit(seller=request.seller, product_id=pk)
    data = request.POST.copy()
    formset = OptionFormSet(data, initial=_option_initial(product), prefix="options")
    if formset.is_valid():
        try:
            with transaction.atomic():
                for form in formset:
                    _option_save(request.seller, product, form)
        except ValidationError:
            _stock_rebase(data, formset)
        else:
            messages.success(request, "옵션과 재고를 저장했어요.")
            return redirect(_edit_url(product.pk) + "#options")
    return _edit_page(request, product, formset=formset, status=400)


def _stock_rebase(data, formset) -> None:
    """A row refused because a sale moved its stock now compares against the stock the error names, so the
    seller's next save (having read it) goes through; the rows' other errors stay on the page."""
    for form in formset:
        option_id = form.cleaned_data.get("option_id")
        if option_id and "stock" in form.errors:
            current = selectors.options_on_sale().filter(pk=option_id).values_list("stock", flat=True).first()
            data[f"{form.prefix}-expected_stock"] = current


def _option_save(seller, product, form) -> None:
    """One row of the options table; a service's refusal goes on the row and stops the table."""
    data = form.cleaned_data
    if form.is_blank:
        return
    try:
        if data.get("option_id"):
            if data["option_id"] not in {option.pk for option in product.options.all()}:
                raise Http404("option")
            stock_touched = data["stock"] != data.get("expected_stock")
            services.seller_option_update(
                seller=seller,
                option_id=data["option_id"],
                name=data["name"],
                extra_price=data.get("extra_price") or 0,
                stock=data["stock"] if stock_touched else None,
                expected_stock=data.get("expected_stock"),
            )
        else:
            services.seller_option_add(
                seller=seller,
                product_id=product.pk,
                name=data["name"],
                extra_price=data.get("extra_price") or 0,
                stock=data["stock"],
            )
    except ValidationError as error:
        errors_attach(form, error)
        raise


@seller_center_view
@require_POST
def option_remove(request, pk: int, option_id: int):
    option = selectors.option_get_for_seller(seller=request.seller, option_id=option_id)
    if option.product_id != pk:
        raise Http404("option")
    try:
        deleted = services.seller_option_remove(seller=request.seller, option_id=option.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"‘{option.name}’ 옵션을 "
            + ("삭제했어요." if deleted else "판매 종료했어요 (주문 내역이 있어 기록은 남겨요)."),
        )
    return redirect(_edit_url(pk) + "#options")


@seller_center_view
@require_POST
def product_images(request, pk: int):
    product = selectors.seller_product_edit(seller=request.seller, product_id=pk)
    images_form = ImagesForm(request.POST, request.FILES)
    if images_form.is_valid():
        try:
            services.seller_images_add(
                seller=request.seller, product_id=product.pk, images=images_form.cleaned_data["images"]
            )
        except ValidationError as error:
            errors_attach(images_form, error)
        else:
            messages.success(request, "사진을 올렸어요.")
            return redirect(_edit_url(product.pk) + "#images")
    return _edit_page(request, product, images_form=images_form, status=400)


@seller_center_view
@require_POST
def image_action(request, pk: int, image_id: int, action: str):
    image = selectors.image_get_for_seller(seller=request.seller, image_id=image_id)
    if image.product_id != pk or action not in IMAGE_ACTIONS:
        raise Http404("image")
    if action == "main":
        services.seller_image_make_main(seller=request.seller, image_id=image.pk)
        messages.success(request, "대표 사진을 바꿨어요.")
    elif action == "delete":
        services.seller_image_delete(seller=request.seller, image_id=image.pk)
        messages.success(request, "사진을 지웠어요.")
    else:
        services.seller_image_move(
            seller=request.seller, image_id=image.pk, offset=-1 if action == "up" else 1
        )
    return redirect(_edit_url(pk) + "#images")


@seller_center_view
@require_safe
def products_export(request):
    data = services.products_csv_export(seller=request.seller)
    filename = f"products-{timezone.localdate():%Y%m%d}.csv"
    return HttpResponse(
        data,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@seller_center_view
def products_import(request):
    """Upload a CSV and see, row by row, what it would do (django-import-export's dry run): nothing is saved."""
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    outcome = None
    confirm = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"]
        try:
            outcome = services.products_csv_preview(seller=request.seller, text=text)
        except ValidationError as error:
            errors_attach(form, error)
        else:
            confirm = (
                CsvConfirmForm(initial={"text": text, "stock_seen": outcome.stock_seen})
                if outcome.ok
                else None
            )
    status = 400 if request.method == "POST" and (form.errors or (outcome and not outcome.ok)) else 200
    return _import_page(request, form=form, outcome=outcome, confirm=confirm, status=status)


def _import_page(request, *, form, outcome=None, confirm=None, status: int = 200):
    counts = (
        {f"outcome_{action}": outcome.count(action) for action in ("new", "update", "skip")}
        if outcome
        else {}
    )
    return _page(
        request,
        "sellercenter/products/import.html",
        {"form": form, "outcome": outcome, "confirm": confirm, **counts},
        status=status,
    )


@seller_center_view
@require_POST
def products_import_confirm(request):
    """Apply the previewed CSV in one transaction: every row, or (any row failing now) none."""
    confirm = CsvConfirmForm(request.POST)
    form = CsvUploadForm()
    if not confirm.is_valid():
        messages.error(request, "미리보기가 끝난 파일이 없어요. CSV를 다시 올려 주세요.")
        return redirect("/seller/products/import/")
    try:
        outcome = services.products_csv_import(
            seller=request.seller,
            text=confirm.cleaned_data["text"],
            stock_seen=confirm.cleaned_data["stock_seen"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("/seller/products/import/")
    if not outcome.saved:
        messages.error(
            request, "그 사이 바뀐 내용이 있어 아무것도 저장하지 않았어요. 아래 오류를 확인해 주세요."
        )
        return _import_page(request, form=form, outcome=outcome, status=400)
    changed = len(outcome.rows) - outcome.count("skip")
    messages.success(request, f"CSV {len(outcome.rows)}줄 중 {changed}줄을 반영했어요.")
    return redirect("/seller/products/")

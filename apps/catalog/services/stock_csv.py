"""A seller's products and stock as CSV, one row per option, through django-import-export's Resource API.

Columns (``COLUMNS``): 상품번호, 상품명, 카테고리, 정가, 판매가, 판매상태, 옵션번호, 옵션명, 추가금액, 재고. The export is
UTF-8 with a BOM, so Korean Excel opens it; the import reads UTF-8 (with or without BOM) or CP949.

An import runs twice: first as django-import-export's dry run (every row really applied inside a transaction
that is rolled back, so the preview shows exactly what would happen, row by row, with each row's errors in
Korean), then, when the seller confirms, for real in one transaction that is rolled back whole if any row
fails (``rollback_on_validation_errors``). Each row goes through the seller-center services
(``seller_products``), so the rules are the form's: 판매가 ≤ 정가, stock ≥ 0, a known category, and only this
seller's products and options (another shop's number is a row error, never a change).

A row with an empty 상품번호 makes a new product; rows with an empty 상품번호 and the same 상품명 are options of
that one new product. An empty 옵션번호 adds an option. 재고 is set as written only when it differs from the stock the row is read
against (the preview shows "재고 7 → 10", so a seller re-importing an old export sees the sales it would write
over), and the confirm sets it only if the stock is still what the preview showed (one conditional UPDATE,
as the edit form does), so a checkout between preview and confirm is never written over.
"""

import dataclasses

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import Http404
from import_export import fields, resources
from import_export.results import RowResult

import apps.catalog.services.seller_products as seller_products
from apps.catalog import selectors
from apps.catalog.models import Product, ProductOption
from apps.catalog.services.stock_csv_format import (
    COLUMNS,
    FIELD_COLUMNS,
    OPTION_FIELD_COLUMNS,
    SHOWN_STATUSES,
    category_find,
    category_label,
    category_names_shared,
    cell_number,
    cell_safe,
    cell_text,
    csv_dataset,
)


@dataclasses.dataclass
class RowPlan:
    """What one row asks, read and checked; ``changes`` says it in Korean for the preview."""

    product: Product | None
    option: ProductOption | None
    product_values: dict
    hidden: bool | None
    option_values: dict
    changes: list[str]
    new_product_key: str = ""


def _won(value: int) -> str:
    return f"{value:,}원"


class ProductStockResource(resources.ModelResource):
    """One option per row, with its product's figures beside it."""

    product_id = fields.Field(column_name=COLUMNS["product_id"])
    product_name = fields.Field(column_name=COLUMNS["product_name"])
    category = fields.Field(column_name=COLUMNS["category"])
    list_price = fields.Field(column_name=COLUMNS["list_price"])
    sale_price = fields.Field(column_name=COLUMNS["sale_price"])
    status = fields.Field(column_name=COLUMNS["status"])
    option_id = fields.Field(attribute="id", column_name=COLUMNS["option_id"])
    option_name = fields.Field(column_name=COLUMNS["option_name"])
    extra_price = fields.Field(column_name=COLUMNS["extra_price"])
    stock = fields.Field(column_name=COLUMNS["stock"])

    class Meta:
        model = ProductOption
        fields = tuple(COLUMNS)
        export_order = tuple(COLUMNS)
        import_id_fields = ("option_id",)
        skip_diff = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = False

    def __init__(self, *, seller, stock_seen: dict[int, int] | None = None) -> None:
        super().__init__()
        self.seller = seller
        # option id → the stock the preview showed; the confirm sets stock only if it is still that.
        self.stock_seen = stock_seen or {}
        self.new_products: dict[str, int] = {}
        self.product_rows: dict[str, tuple] = {}
        self.plans: dict[int, RowPlan] = {}
        self.current_plan: RowPlan | None = None
        self.names_shared: set[str] | None = None

    # ---- Export ---------------------------------------------------------------------------------------

    def dehydrate_product_id(self, option):
        return option.product_id

    def dehydrate_product_name(self, option):
        return cell_safe(option.product.name)

    def dehydrate_category(self, option):
        if self.names_shared is None:
            self.names_shared = category_names_shared()
        return cell_safe(category_label(option.product.category, shared=self.names_shared))

    def dehydrate_list_price(self, option):
        return option.product.list_price

    def dehydrate_sale_price(self, option):
        return option.product.sale_price

    def dehydrate_status(self, option):
        return option.product.get_status_display()

    def dehydrate_option_name(self, option):
        return cell_safe(option.name)

    def dehydrate_extra_price(self, option):
        return option.extra_price

    def dehydrate_stock(self, option):
        return option.stock

    # ---- Import ---------------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self.new_products, self.product_rows, self.plans = {}, {}, {}

    def init_instance(self, row=None):
        return ProductOption()

    def get_instance(self, instance_loader, row):
        errors: dict = {}
        option_id = cell_number(row, COLUMNS["option_id"], errors)
        if errors:
            raise ValidationError(errors)
        if option_id is None:
            return None
        option = (
            selectors.options_on_sale()
            .select_related("product__category")
            .filter(pk=option_id, product__seller=self.seller)
            .first()
        )
        if option is None:
            raise ValidationError(
                {COLUMNS["option_id"]: f"이 상점의 옵션이 아니에요 (옵션번호 {option_id})."}
            )
        return option

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        number = kwargs.get("row_number", 0)
        product_id = cell_number(row, COLUMNS["product_id"], errors)
        product = None
        if product_id is not None:
            try:
                product = selectors.product_get_for_seller(seller=self.seller, product_id=product_id)
            except Http404:
                errors[COLUMNS["product_id"]] = f"이 상점의 상품이 아니에요 (상품번호 {product_id})."
        option = instance if instance.pk else None
        if option is not None and product_id is not None and option.product_id != product_id:
            errors[COLUMNS["option_id"]] = f"옵션번호 {option.pk}는 상품번호 {product_id}의 옵션이 아니에요."
        if option is not None and product_id is None:
            errors[COLUMNS["product_id"]] = "옵션번호가 있는 줄에는 상품번호도 적어 주세요."
        name = cell_text(row.get(COLUMNS["product_name"]))
        category_text = cell_text(row.get(COLUMNS["category"]))
        category = None
        if category_text:
            category = category_find(category_text)
            if category is None:
                errors[COLUMNS["category"]] = f"없는 카테고리예요: ‘{category_text}’"
        elif product is None:
            errors[COLUMNS["category"]] = "새 상품에는 카테고리를 적어 주세요."
        list_price = cell_number(row, COLUMNS["list_price"], errors)
        sale_price = cell_number(row, COLUMNS["sale_price"], errors)
        status_text = cell_text(row.get(COLUMNS["status"]))
        hidden = None
        if status_text:
            if status_text not in SHOWN_STATUSES:
                errors[COLUMNS["status"]] = "판매상태는 판매중, 품절, 숨김 중 하나로 적어 주세요."
            else:
                hidden = SHOWN_STATUSES[status_text]
        option_name = cell_text(row.get(COLUMNS["option_name"]))
        extra_price = cell_number(row, COLUMNS["extra_price"], errors)
        stock = cell_number(row, COLUMNS["stock"], errors)

        product_values = {
            "name": name or (product.name if product else ""),
            "category": category or (product.category if product else None),
            "list_price": list_price if list_price is not None else (product.list_price if product else None),
            "sale_price": sale_price if sale_price is not None else (product.sale_price if product else None),
        }
        if product_values["sale_price"] is None and product_values["list_price"] is not None:
            product_values["sale_price"] = product_values["list_price"]
        option_values = {
            "name": option_name,
            "extra_price": extra_price if extra_price is not None else (option.extra_price if option else 0),
            "stock": stock if stock is not None else (option.stock if option else 0),
        }
        # A cell that could not be read keeps its own error; the rules add what else is wrong with the row.
        for column, messages in self._rules_errors(product_values, option_values).items():
            errors.setdefault(column, messages)
        if errors:
            raise ValidationError(errors)
        key = str(product.pk) if product else f"new:{product_values['name']}"
        self._same_product_check(key, product_values, hidden)
        plan = RowPlan(
            product=product,
            option=option,
            product_values=product_values,
            hidden=hidden,
            option_values=option_values,
            changes=self._changes(product, option, product_values, hidden, option_values),
            new_product_key="" if product else product_values["name"],
        )
        self.plans[number] = self.current_plan = plan

    def _rules_errors(self, product_values: dict, option_values: dict) -> dict:
        errors: dict = {}
        try:
            seller_products.product_rules_check(
                name=product_values["name"],
                list_price=product_values["list_price"],
                sale_price=product_values["sale_price"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[FIELD_COLUMNS.get(field, field)] = messages
        try:
            seller_products.option_rules_check(**option_values)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[OPTION_FIELD_COLUMNS.get(field, field)] = messages
        return errors

    def _same_product_check(self, key: str, product_values: dict, hidden: bool | None) -> None:
        """Rows of one product must agree on its figures, or which one wins would be a guess."""
        seen = (
            product_values["name"],
            product_values["category"].pk if product_values["category"] else None,
            product_values["list_price"],
            product_values["sale_price"],
            hidden,
        )
        first = self.product_rows.setdefault(key, seen)
        if first != seen:
            raise ValidationError(
                "같은 상품의 앞 줄과 상품명·카테고리·가격·판매상태가 달라요. 한 상품의 줄은 모두 같게 적어 주세요."
            )

    def _changes(self, product, option, product_values, hidden, option_values) -> list[str]:
        if product is None:
            if product_values["name"] in self.new_products:
                return [f"새 옵션 ‘{option_values['name']}’ (재고 {option_values['stock']:,}개)"]
            return [
                f"새 상품 ‘{product_values['name']}’ {_won(product_values['sale_price'])}",
                f"새 옵션 ‘{option_values['name']}’ (재고 {option_values['stock']:,}개)",
            ]
        changes = []
        if product_values["name"] != product.name:
            changes.append(f"상품명 → ‘{product_values['name']}’")
        if product_values["category"].pk != product.category_id:
            changes.append(f"카테고리 → {product_values['category'].name}")
        for field, label in (("list_price", "정가"), ("sale_price", "판매가")):
            if product_values[field] != getattr(product, field):
                changes.append(f"{label} {_won(getattr(product, field))} → {_won(product_values[field])}")
        if hidden is not None and hidden != (product.status == Product.Status.HIDDEN):
            changes.append("숨김" if hidden else "숨김 해제")
        if option is None:
            changes.append(f"새 옵션 ‘{option_values['name']}’ (재고 {option_values['stock']:,}개)")
            return changes
        if option_values["name"] != option.name:
            changes.append(f"옵션명 → ‘{option_values['name']}’")
        if option_values["extra_price"] != option.extra_price:
            changes.append(f"추가금액 {_won(option.extra_price)} → {_won(option_values['extra_price'])}")
        if option_values["stock"] != option.stock:
            changes.append(f"재고 {option.stock:,} → {option_values['stock']:,}개")
        return changes

    def before_import_row(self, row, **kwargs):
        self.current_plan = None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row asking for nothing new is reported as 변경 없음 and not applied."""
        return (
            not import_validation_errors and self.current_plan is not None and not self.current_plan.changes
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The services validate (full_clean) when the row is applied; here only the row's own reading.
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        plan = self.plans[kwargs["row_number"]]
        try:
            with transaction.atomic():
                self._apply(plan)
        except ValidationError as error:
            raise ValidationError(_row_messages(error)) from error

    def _apply(self, plan: RowPlan) -> None:
        values, option_values = plan.product_values, plan.option_values
        if plan.product is None:
            product_id = self.new_products.get(plan.new_product_key)
            if product_id is None:
                product = seller_products.seller_product_create(
                    seller=self.seller,
                    options=[seller_products.OptionInput(**option_values)],
                    hidden=bool(plan.hidden),
                    **values,
                )
                self.new_products[plan.new_product_key] = product.pk
            else:
                seller_products.seller_option_add(seller=self.seller, product_id=product_id, **option_values)
            return
        product = plan.product
        if any(
            values[field] != getattr(product, field)
            for field in ("name", "category", "list_price", "sale_price")
        ):
            seller_products.seller_product_update(
                seller=self.seller,
                product_id=product.pk,
                brand=product.brand,
                description=product.description,
                purchase_limit=product.purchase_limit,
                **values,
            )
        if plan.hidden is not None and plan.hidden != (product.status == Product.Status.HIDDEN):
            seller_products.seller_product_visibility_set(
                seller=self.seller, product_id=product.pk, hidden=plan.hidden
            )
        if plan.option is None:
            seller_products.seller_option_add(seller=self.seller, product_id=product.pk, **option_values)
            return
        option = plan.option
        seller_products.seller_option_update(
            seller=self.seller,
            option_id=option.pk,
            name=option_values["name"],
            extra_price=option_values["extra_price"],
            stock=option_values["stock"] if option_values["stock"] != option.stock else None,
            expected_stock=self.stock_seen.get(option.pk),
        )


def _row_messages(error: ValidationError) -> dict:
    """A service's error keyed by the CSV's column names."""
    if not hasattr(error, "error_dict"):
        return {NON_FIELD_ERRORS: error.messages}
    return {
        {**FIELD_COLUMNS, **OPTION_FIELD_COLUMNS}.get(field, field): messages
        for field, messages in error.message_dict.items()
    }


# ---- What the pages call ------------------------------------------------------------------------------


@dataclasses.dataclass
class CsvRow:
    line: int  # the file's line, the title line being 1
    action: str  # new / update / skip / invalid
    values: list[str]
    changes: list[str]
    errors: list[str]


@dataclasses.dataclass
class CsvOutcome:
    rows: list[CsvRow]
    saved: bool
    # option id → stock as the preview read it, for the options whose stock the file changes
    stock_seen: dict[int, int] = dataclasses.field(default_factory=dict)

    @property
    def error_rows(self) -> list[CsvRow]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.error_rows

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def _outcome(resource: ProductStockResource, dataset: tablib.Dataset, result, *, saved: bool) -> CsvOutcome:
    rows = []
    for number, (values, row_result) in enumerate(zip(dataset, result.rows, strict=False), 1):
        errors = []
        action = row_result.import_type
        if row_result.validation_error is not None:
            action = RowResult.IMPORT_TYPE_INVALID
            error = row_result.validation_error
            if hasattr(error, "error_dict"):
                for column, messages in error.message_dict.items():
                    errors.extend(
                        message
                        if column == NON_FIELD_ERRORS or message.startswith(column)
                        else f"{column}: {message}"
                        for message in messages
                    )
            else:
                errors.extend(error.messages)
        elif row_result.errors:
            action = RowResult.IMPORT_TYPE_ERROR
            errors.append("이 줄을 처리하지 못했어요. 값을 확인해 주세요.")
        plan = resource.plans.get(number)
        rows.append(
            CsvRow(
                line=number + 1,
                action=action,
                values=["" if value is None else str(value) for value in values],
                changes=plan.changes if plan and not errors else [],
                errors=errors,
            )
        )
    stock_seen = {
        plan.option.pk: plan.option.stock
        for plan in resource.plans.values()
        if plan.option is not None and plan.option_values["stock"] != plan.option.stock
    }
    return CsvOutcome(rows=rows, saved=saved and not any(row.errors for row in rows), stock_seen=stock_seen)


def products_csv_export(*, seller) -> bytes:
    """The seller's live options, one per row, as UTF-8 CSV with a BOM (Korean Excel reads it as UTF-8)."""
    options = (
        selectors.options_on_sale()
        .filter(product__seller=seller)
        .select_related("product__category")
        .order_by("product_id", "position", "id")
    )
    dataset = ProductStockResource(seller=seller).export(queryset=options)
    return ("\ufeff" + dataset.csv).encode("utf-8")


def products_csv_headers() -> list[str]:
    return list(COLUMNS.values())


def _run(*, seller, text: str, dry_run: bool, stock_seen: dict[int, int] | None = None) -> CsvOutcome:
    dataset = csv_dataset(text)
    resource = ProductStockResource(seller=seller, stock_seen=stock_seen)
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
    )
    if result.base_errors:
        raise ValidationError("파일을 처리하지 못했어요. 내보낸 CSV의 형식을 그대로 써 주세요.")
    return _outcome(resource, dataset, result, saved=not dry_run)


def products_csv_preview(*, seller, text: str) -> CsvOutcome:
    """What importing this CSV would do, row by row, with each row's errors; nothing is saved."""
    return _run(seller=seller, text=text, dry_run=True)


@transaction.atomic
def products_csv_import(*, seller, text: str, stock_seen: dict[int, int] | None = None) -> CsvOutcome:
    """Apply the CSV, all rows or none: with any row in error nothing is saved (``outcome.saved`` is False).

    ``stock_seen`` is the preview's ``outcome.stock_seen``: an option sold from since the preview is a row error
    ("그 사이 주문으로 재고가 …"), not a stock set over the sale.
    """
    return _run(seller=seller, text=text, dry_run=False, stock_seen=stock_seen)

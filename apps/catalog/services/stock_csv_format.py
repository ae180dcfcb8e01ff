"""The CSV of a seller's products and stock as a file: its columns, its encodings, its cells.

Korean Excel saves "CSV" in CP949 and opens UTF-8 only with a BOM; numbers come back as "12,000" and a cell
starting with ``=`` runs as a formula. This reads and writes what sellers' spreadsheets do.
"""

import re

import tablib
from django.core.exceptions import ValidationError
from django.db.models import Count

from apps.catalog.models import Category
from apps.core.csv_cells import FORMULA_STARTS, csv_cell

COLUMNS = {
    "product_id": "상품번호",
    "product_name": "상품명",
    "category": "카테고리",
    "list_price": "정가",
    "sale_price": "판매가",
    "status": "판매상태",
    "option_id": "옵션번호",
    "option_name": "옵션명",
    "extra_price": "추가금액",
    "stock": "재고",
}
REQUIRED_COLUMNS = ("상품번호", "상품명", "옵션번호", "옵션명")
# A service's field name → the column a seller reads it under.
FIELD_COLUMNS = {
    "name": "상품명",
    "list_price": "정가",
    "sale_price": "판매가",
    "purchase_limit": "1인 구매 한도",
    "category": "카테고리",
}
OPTION_FIELD_COLUMNS = {"name": "옵션명", "extra_price": "추가금액", "stock": "재고"}
CSV_MAX_BYTES = 1024 * 1024
# About 30 ms a row (each row goes through the services, in the preview and again in the confirm): 500 rows
# keep either request near 15 s.
CSV_MAX_ROWS = 500
SHOWN_STATUSES = {
    "판매중": False,
    "품절": False,
    "숨김": True,
    "on_sale": False,
    "sold_out": False,
    "hidden": True,
}
NUMBER_NOISE = re.compile(r"[\s,원개]")


def csv_decode(data: bytes) -> str:
    """The text of an uploaded CSV: UTF-8 (BOM or not), else CP949 (Korean Excel's "CSV"); else a Korean error."""
    if len(data) > CSV_MAX_BYTES:
        raise ValidationError(f"CSV 파일은 {CSV_MAX_BYTES // 1024 // 1024}MB 이하로 올려 주세요.")
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("파일의 글자를 읽을 수 없어요. UTF-8 또는 CP949(엑셀 CSV)로 저장해 주세요.")


def csv_dataset(text: str) -> tablib.Dataset:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ValidationError("빈 파일이에요. 내보내기 CSV의 첫 줄(제목 줄)을 지우지 말고 올려 주세요.")
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except Exception as error:  # tablib raises several kinds for a malformed file
        raise ValidationError("CSV 형식으로 읽을 수 없는 파일이에요.") from error
    headers = [(header or "").strip() for header in dataset.headers or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        raise ValidationError(
            f"제목 줄에 {', '.join(missing)} 칸이 없어요. 내보낸 CSV의 제목 줄을 그대로 써 주세요."
        )
    dataset.headers = headers
    if len(dataset) > CSV_MAX_ROWS:
        raise ValidationError(f"한 번에 {CSV_MAX_ROWS:,}줄까지 올릴 수 있어요.")
    if not len(dataset):
        raise ValidationError("제목 줄 말고는 내용이 없어요.")
    return dataset


def cell_text(value) -> str:
    text = "" if value is None else str(value).strip()
    # The apostrophe ``csv_cell`` put before a formula start on export comes off on the way back in.
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def cell_safe(value) -> str:
    return csv_cell("" if value is None else str(value))


def cell_number(row: dict, column: str, errors: dict) -> int | None:
    """A whole number of a cell ("12,000원" reads 12000); None when empty; an error noted when not a number."""
    raw = cell_text(row.get(column))
    if not raw:
        return None
    cleaned = NUMBER_NOISE.sub("", raw)
    if not re.fullmatch(r"-?\d{1,12}", cleaned):
        errors[column] = f"숫자가 아니에요: ‘{raw}’"
        return None
    return int(cleaned)


def category_names_shared() -> set[str]:
    """Names more than one category has (두 "상의", 남성 and 여성): those are written by their slug instead."""
    return set(
        Category.objects.values("name").annotate(n=Count("id")).filter(n__gt=1).values_list("name", flat=True)
    )


def category_label(category: Category, *, shared: set[str]) -> str:
    """How the CSV names a category: its name, or its slug when the name is shared (``category_find`` reads both)."""
    return category.slug if category.name in shared else category.name


def category_find(label: str) -> Category | None:
    """A category by its name (unique among categories) or its slug."""
    by_name = list(Category.objects.filter(name=label)[:2])
    if len(by_name) == 1:
        return by_name[0]
    return Category.objects.filter(slug=label).first()

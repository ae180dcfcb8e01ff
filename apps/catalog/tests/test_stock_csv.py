"""The seller's product and stock CSV: an export Excel opens, an import previewed row by row, then applied whole
or not at all."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from apps.catalog import services
from apps.catalog.models import Product, ProductOption
from apps.catalog.services import OptionInput
from apps.catalog.tests.factories import CategoryFactory
from apps.live.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "상품번호",
    "상품명",
    "카테고리",
    "정가",
    "판매가",
    "판매상태",
    "옵션번호",
    "옵션명",
    "추가금액",
    "재고",
]


@pytest.fixture
def shop():
    seller = SellerFactory().seller
    category = CategoryFactory(name="셔츠")
    product = services.seller_product_create(
        seller=seller,
        category=category,
        name="린넨 셔츠",
        list_price=39000,
        sale_price=29000,
        options=[OptionInput(name="화이트", stock=5), OptionInput(name="블랙", stock=2)],
    )
    return seller, product


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _text(rows: list[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def test_the_export_is_utf8_with_a_bom_one_row_per_option(shop):
    """Korean Excel needs the BOM; each option is a row with its product's figures."""
    seller, product = shop
    data = services.products_csv_export(seller=seller)
    assert data.startswith("\ufeff".encode())
    rows = _rows(data)
    assert rows[0] == HEADER
    white = product.options.get(name="화이트")
    assert [
        str(product.pk),
        "린넨 셔츠",
        "셔츠",
        "39000",
        "29000",
        "판매중",
        str(white.pk),
        "화이트",
        "0",
        "5",
    ] in rows
    assert len(rows) == 3


def test_export_edit_import_round_trip_changes_price_and_stock(shop):
    """The preview names each change and saves nothing; the confirm applies them."""
    seller, product = shop
    rows = _rows(services.products_csv_export(seller=seller))
    for row in rows[1:]:
        row[4] = "25,000"  # Excel's thousands separator
        if row[7] == "화이트":
            row[9] = "12"
    rows.append(["", "새 바지", "셔츠", "50000", "45000", "숨김", "", "M", "0", "3"])
    rows.append(["", "새 바지", "셔츠", "50000", "45000", "숨김", "", "L", "0", "4"])
    text = _text(rows)

    preview = services.products_csv_preview(seller=seller, text=text)
    assert preview.ok
    assert "판매가 29,000원 → 25,000원" in preview.rows[0].changes
    assert any("재고 5 → 12개" in change for row in preview.rows for change in row.changes)
    # A product's change is listed once, on its first row; the 블랙 row asks nothing more.
    assert [row.action for row in preview.rows] == ["update", "skip", "new", "new"]
    product.refresh_from_db()
    assert product.sale_price == 29000
    assert not Product.objects.filter(name="새 바지").exists()

    outcome = services.products_csv_import(seller=seller, text=text)
    assert outcome.saved
    product.refresh_from_db()
    assert product.sale_price == 25000
    assert product.options.get(name="화이트").stock == 12
    assert product.options.get(name="블랙").stock == 2
    trousers = Product.objects.get(name="새 바지", seller=seller)
    assert trousers.status == Product.Status.HIDDEN
    assert sorted(trousers.options.values_list("name", "stock")) == [("L", 4), ("M", 3)]


def test_one_bad_row_shows_its_korean_error_and_nothing_is_saved(shop):
    """판매가 above 정가 on line 3: the preview says so on that line; the confirm saves not even the good row."""
    seller, product = shop
    rows = _rows(services.products_csv_export(seller=seller))
    rows[1][9] = "40"
    rows[2][4] = "50000"
    text = _text(rows)
    preview = services.products_csv_preview(seller=seller, text=text)
    assert not preview.ok
    [bad] = preview.error_rows
    assert bad.line == 3
    assert any("판매가는 정가보다 클 수 없어요." in error for error in bad.errors)
    outcome = services.products_csv_import(seller=seller, text=text)
    assert not outcome.saved
    assert sorted(ProductOption.objects.filter(product=product).values_list("stock", flat=True)) == [2, 5]


def test_another_sellers_product_or_option_is_a_row_error_never_a_change(shop):
    """Seller B's file naming A's product and option numbers changes nothing of A's."""
    _seller, product = shop
    other = SellerFactory().seller
    option = product.options.get(name="화이트")
    text = _text(
        [
            HEADER,
            [product.pk, "빼앗은 셔츠", "셔츠", 1000, 1000, "판매중", option.pk, "화이트", 0, 999],
            [product.pk, "빼앗은 셔츠", "셔츠", 1000, 1000, "판매중", "", "새 옵션", 0, 1],
        ]
    )
    preview = services.products_csv_preview(seller=other, text=text)
    assert [row.line for row in preview.error_rows] == [2, 3]
    assert "이 상점의 옵션이 아니에요" in preview.rows[0].errors[0]
    assert any("이 상점의 상품이 아니에요" in error for error in preview.rows[1].errors)
    assert not services.products_csv_import(seller=other, text=text).saved
    product.refresh_from_db()
    option.refresh_from_db()
    assert (product.name, product.sale_price, option.stock) == ("린넨 셔츠", 29000, 5)
    assert product.options.count() == 2


def test_cp949_unknown_category_bad_numbers_and_a_missing_column_are_korean_errors(shop):
    seller, _product = shop
    text = services.csv_decode(
        _text(
            [HEADER, ["", "새 상품", "없는카테고리", "만원", "1000", "판매중", "", "기본", "0", "-3"]]
        ).encode("cp949")
    )
    [row] = services.products_csv_preview(seller=seller, text=text).rows
    assert "카테고리: 없는 카테고리예요: ‘없는카테고리’" in row.errors
    assert "정가: 숫자가 아니에요: ‘만원’" in row.errors
    with pytest.raises(ValidationError, match="옵션번호"):
        services.products_csv_preview(seller=seller, text="상품번호,상품명,옵션명\n1,a,b\n")
    with pytest.raises(ValidationError, match="UTF-8 또는 CP949"):
        services.csv_decode(b"\xff\xfe\x00\xd8\x00")
    with pytest.raises(ValidationError, match="1MB"):
        services.csv_decode(b"a" * (1024 * 1024 + 1))
    too_long = ",".join(HEADER) + "\n" + ",새 상품,셔츠,1000,1000,판매중,,기본,0,1\n" * 501
    with pytest.raises(ValidationError, match="500줄까지"):
        services.products_csv_preview(seller=seller, text=too_long)


def test_rows_of_one_product_that_disagree_on_its_price_are_an_error(shop):
    """Which row's 판매가 should win would be a guess: the second row says so."""
    seller, _product = shop
    rows = _rows(services.products_csv_export(seller=seller))
    rows[1][4] = "28000"
    preview = services.products_csv_preview(seller=seller, text=_text(rows))
    assert [row.line for row in preview.error_rows] == [3]
    assert "같은 상품의 앞 줄과" in preview.rows[1].errors[0]


def test_an_unchanged_row_is_reported_and_not_written(shop):
    seller, _product = shop
    preview = services.products_csv_preview(
        seller=seller, text=services.products_csv_export(seller=seller).decode()
    )
    assert preview.ok
    assert [row.action for row in preview.rows] == ["skip", "skip"]


def test_a_category_name_two_categories_share_goes_by_its_slug_and_imports_back(shop):
    """Two "상의" (남성, 여성): the export writes the slug, so the file names the right one on the way back."""
    seller, product = shop
    women = CategoryFactory(name="상의", slug="women-tops")
    CategoryFactory(name="상의", slug="men-tops")
    services.seller_product_update(
        seller=seller,
        product_id=product.pk,
        category=women,
        name=product.name,
        list_price=39000,
        sale_price=29000,
    )
    rows = _rows(services.products_csv_export(seller=seller))
    assert {row[2] for row in rows[1:]} == {"women-tops"}
    for row in rows[1:]:
        row[4] = "28000"
    assert services.products_csv_import(seller=seller, text=_text(rows)).saved
    product.refresh_from_db()
    assert (product.category, product.sale_price) == (women, 28000)


def test_a_sale_between_preview_and_confirm_stops_the_stock_set(shop):
    """The preview read 5; a checkout took 2; the confirm would write 12 over the sale, so nothing is saved."""
    seller, product = shop
    rows = _rows(services.products_csv_export(seller=seller))
    white = product.options.get(name="화이트")
    for row in rows[1:]:
        row[4] = "25000"
        if row[7] == "화이트":
            row[9] = "12"
    text = _text(rows)
    preview = services.products_csv_preview(seller=seller, text=text)
    assert preview.stock_seen == {white.pk: 5}
    assert services.option_stock_reserve(option_id=white.pk, quantity=2)
    outcome = services.products_csv_import(seller=seller, text=text, stock_seen=preview.stock_seen)
    assert not outcome.saved
    assert any("그 사이 주문으로 재고가 3개로 바뀌었어요" in error for error in outcome.rows[0].errors)
    white.refresh_from_db()
    product.refresh_from_db()
    assert (white.stock, product.sale_price) == (3, 29000)

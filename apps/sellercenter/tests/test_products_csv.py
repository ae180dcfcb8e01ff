"""The CSV pages: export, upload → preview (nothing saved) → confirm (all rows or none)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog import services
from apps.catalog.models import Product
from apps.catalog.services import OptionInput
from apps.catalog.tests.factories import CategoryFactory
from apps.live.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(client):
    user = SellerFactory()
    client.force_login(user)
    return services.seller_product_create(
        seller=user.seller,
        category=CategoryFactory(name="셔츠"),
        name="린넨 셔츠",
        list_price=39000,
        sale_price=29000,
        options=[OptionInput(name="화이트", stock=5)],
    )


def _upload(rows, *, encoding="utf-8-sig", name="products.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def _exported(client) -> list[list[str]]:
    response = client.get("/seller/products/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_export_edit_upload_preview_then_confirm_changes_price_and_stock(client, product):
    """The preview lists the changes and saves nothing; 이대로 저장하기 applies them."""
    rows = _exported(client)
    rows[1][4], rows[1][9] = "25000", "11"
    response = client.post("/seller/products/import/", {"file": _upload(rows, encoding="cp949")})
    body = response.content.decode()
    assert response.status_code == 200
    assert "판매가 29,000원 → 25,000원" in body
    assert "재고 5 → 11개" in body
    product.refresh_from_db()
    assert product.sale_price == 29000
    confirm = response.context["confirm"]
    assert f'name="stock_seen" value="{{&quot;{product.options.get().pk}&quot;: 5}}"' in body
    response = client.post(
        "/seller/products/import/confirm/",
        {"text": confirm.initial["text"], "stock_seen": f'{{"{product.options.get().pk}": 5}}'},
        follow=True,
    )
    assert "CSV 1줄 중 1줄을 반영했어요." in response.content.decode()
    product.refresh_from_db()
    assert product.sale_price == 25000
    assert product.options.get().stock == 11


def test_a_bad_row_is_shown_with_its_korean_error_and_no_confirm_is_offered(client, product):
    rows = _exported(client)
    rows.append(["", "새 상품", "셔츠", "10000", "20000", "판매중", "", "기본", "0", "3"])
    response = client.post("/seller/products/import/", {"file": _upload(rows)})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-row-error="3"' in body
    assert "판매가는 정가보다 클 수 없어요." in body
    assert "이대로 저장하기" not in body
    assert not Product.objects.filter(name="새 상품").exists()


def test_a_confirm_that_fails_now_saves_nothing(client, product):
    """A file tampered with after the preview is checked again: one bad row, no row saved."""
    text = "상품번호,상품명,카테고리,정가,판매가,판매상태,옵션번호,옵션명,추가금액,재고\n"
    option = product.options.get()
    text += f"{product.pk},린넨 셔츠,셔츠,39000,20000,판매중,{option.pk},화이트,0,9\n"
    text += f"{product.pk},린넨 셔츠,셔츠,39000,20000,판매중,999999,없는옵션,0,9\n"
    response = client.post("/seller/products/import/confirm/", {"text": text})
    assert response.status_code == 400
    assert "이 상점의 옵션이 아니에요" in response.content.decode()
    product.refresh_from_db()
    assert product.sale_price == 29000


def test_another_sellers_ids_in_the_csv_are_refused(client, product):
    client.force_login(SellerFactory())
    option = product.options.get()
    rows = [
        [
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
        ],
        [product.pk, "린넨 셔츠", "셔츠", 1000, 1000, "숨김", option.pk, "화이트", 0, 0],
    ]
    response = client.post("/seller/products/import/", {"file": _upload(rows)})
    assert "이 상점의 옵션이 아니에요" in response.content.decode()
    response = client.post(
        "/seller/products/import/confirm/", {"text": _upload(rows).read().decode("utf-8-sig")}
    )
    assert response.status_code == 400
    product.refresh_from_db()
    assert (product.status, product.sale_price) == (Product.Status.ON_SALE, 29000)
    assert product.options.get().stock == 5
    assert "린넨 셔츠" not in client.get("/seller/products/export.csv").content.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.csv", b"\xff\xfe\x00\xd8\x00\xdc"), "UTF-8 또는 CP949"),
        (SimpleUploadedFile("x.csv", b""), "비어"),
        (SimpleUploadedFile("x.csv", "이름,값\n".encode()), "칸이 없어요"),
        (SimpleUploadedFile("x.csv", b"a" * (1024 * 1024 + 10)), "1MB 이하"),
        (SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n\x00\x00"), "UTF-8 또는 CP949"),
    ],
)
def test_a_file_that_is_not_our_csv_is_a_korean_form_error(client, product, upload, message):
    response = client.post("/seller/products/import/", {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_confirm_without_a_previewed_file_or_with_a_mangled_stock_map_is_sent_back(client, product):
    response = client.post("/seller/products/import/confirm/", {"text": "", "stock_seen": "{"}, follow=True)
    assert "미리보기가 끝난 파일이 없어요" in response.content.decode()
    text = "상품번호,상품명,옵션번호,옵션명\n"
    response = client.post(
        "/seller/products/import/confirm/", {"text": text, "stock_seen": '["x"]'}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/seller/products/import/"
    assert "내용이 없어요" in response.content.decode()

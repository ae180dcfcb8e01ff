import pytest

from apps.accounts.tests.factories import UserFactory
from apps.sellers.models import Seller
from apps.sellers.tests.factories import SellerFactory, application

pytestmark = pytest.mark.django_db


def _form(**overrides) -> dict:
    return {key: str(value) for key, value in application(**overrides).items()}


def test_applying_needs_a_login(client):
    """A visitor is sent to the login page first."""
    response = client.get("/seller/apply/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_applies_through_the_korean_form_and_sees_it_in_review(client):
    """The form takes the business details; afterwards the page says 심사 중."""
    user = UserFactory()
    client.force_login(user)
    page = client.get("/seller/apply/").content.decode()
    for label in ("상호", "대표자", "사업자등록번호", "통신판매업 신고번호", "정산 은행", "예금주"):
        assert label in page

    response = client.post("/seller/apply/", _form())

    assert response.status_code == 302
    seller = Seller.objects.get(user=user)
    assert seller.status == Seller.Status.PENDING
    assert seller.business_number == "2208162517"
    html = client.get("/seller/apply/").content.decode()
    assert "심사 중" in html
    assert "입점 신청을 받았어요" in html


def test_the_form_names_each_mistake_in_korean(client):
    """A wrong business number, filing number and phone are refused field by field; nothing is saved."""
    client.force_login(UserFactory())

    html = client.post(
        "/seller/apply/",
        _form(business_number="123-45-67890", mail_order_number="아무거나", phone="12"),
    ).content.decode()

    assert "올바른 사업자등록번호가 아니에요" in html
    assert "통신판매업 신고번호는" in html
    assert "연락처는" in html
    assert not Seller.objects.exists()


def test_a_business_number_already_registered_is_refused(client):
    """Two shops cannot share one 사업자등록번호."""
    SellerFactory(business_number="2208162517")
    client.force_login(UserFactory())

    html = client.post("/seller/apply/", _form()).content.decode()

    assert "사업자등록번호" in html
    assert Seller.objects.count() == 1


def test_a_rejected_member_reads_the_reason_and_sends_the_form_again(client):
    """반려 shows its reason above the form, filled with what was sent."""
    user = UserFactory()
    SellerFactory(
        user=user,
        status=Seller.Status.REJECTED,
        status_reason="주소를 확인할 수 없어요.",
        business_name="옛상회",
    )
    client.force_login(user)

    html = client.get("/seller/apply/").content.decode()

    assert "반려" in html
    assert "주소를 확인할 수 없어요." in html
    assert 'value="옛상회"' in html
    assert "다시 신청하기" in html


def test_an_approved_seller_sees_its_shop_not_a_form(client):
    """A seller already selling is shown its shop link instead of the form."""
    user = UserFactory()
    seller = SellerFactory(user=user)
    client.force_login(user)

    html = client.get("/seller/apply/").content.decode()

    assert f'href="/shops/{seller.pk}/"' in html
    assert 'data-testid="seller-apply-form"' not in html
    client.post("/seller/apply/", _form(business_name="바꿔치기"))
    seller.refresh_from_db()
    assert seller.business_name != "바꿔치기"


def test_one_members_application_is_never_shown_to_another(client):
    """B opening the apply page gets an empty form, not A's business details."""
    SellerFactory(user=UserFactory(), status=Seller.Status.PENDING, business_name="에이상회")
    client.force_login(UserFactory())

    html = client.get("/seller/apply/").content.decode()

    assert "에이상회" not in html
    assert "입점 신청하기" in html

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError

from apps.accounts.tests.factories import UserFactory
from apps.catalog import caching
from apps.catalog import selectors as catalog_selectors
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.live.services import broadcasts as broadcast_services
from apps.live.tests.factories import BroadcastFactory
from apps.orders import services as order_services
from apps.orders.tests.factories import order_make
from apps.sellers import selectors, services
from apps.sellers.models import Seller
from apps.sellers.tests.factories import SellerFactory, application
from apps.sellers.validators import business_number_is_valid

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("220-81-62517", True),
        ("1248100998", True),
        ("220-81-62518", False),  # last digit off by one
        ("123456789", False),  # nine digits
        ("12345678901", False),
        ("abc-de-fghij", False),
    ],
)
def test_business_numbers_are_checked_with_the_national_tax_service_check_digit(number, valid):
    """A 사업자등록번호 is ten digits whose last is the NTS check digit of the first nine."""
    assert business_number_is_valid(number) is valid


def test_a_member_applies_and_waits_in_review():
    """An application is saved 심사 중, its number kept as ten digits; the member is not a seller yet."""
    user = UserFactory()

    seller = services.seller_apply(user=user, **application())

    assert seller.status == Seller.Status.PENDING
    assert seller.business_number == "2208162517"
    assert seller.business_number_display == "220-81-62517"
    user.refresh_from_db()
    assert not user.is_seller
    assert not selectors.seller_may_sell(seller)


def test_an_application_with_a_wrong_business_number_is_refused():
    """A number failing the check digit never reaches staff."""
    with pytest.raises(ValidationError) as error:
        services.seller_apply(user=UserFactory(), **application(business_number="220-81-62518"))
    assert "business_number" in error.value.message_dict


def test_approving_makes_the_member_a_seller_and_mails_it(django_capture_on_commit_callbacks):
    """승인 lets the member sell and go live, and the member gets a mail saying so after the commit."""
    user = UserFactory(email="haneul@example.com")
    seller = services.seller_apply(user=user, **application())

    with django_capture_on_commit_callbacks(execute=True):
        services.seller_approve(seller=seller)

    seller.refresh_from_db()
    user.refresh_from_db()
    assert seller.status == Seller.Status.APPROVED
    assert seller.reviewed_at
    assert user.is_seller
    assert broadcast_services.may_broadcast(user)
    assert mail.outbox[-1].to == ["haneul@example.com"]
    assert "승인" in mail.outbox[-1].subject
    assert f"/shops/{seller.pk}/" in mail.outbox[-1].body


def test_rejecting_needs_a_reason_and_mails_it(django_capture_on_commit_callbacks):
    """반려 without a reason is refused; with one, the applicant reads the reason and may apply again."""
    user = UserFactory(email="apply@example.com")
    seller = services.seller_apply(user=user, **application())
    with pytest.raises(ValidationError):
        services.seller_reject(seller=seller, reason="  ")

    with django_capture_on_commit_callbacks(execute=True):
        services.seller_reject(seller=seller, reason="통신판매업 신고번호를 확인할 수 없어요.")

    assert "반려" in mail.outbox[-1].subject
    assert "통신판매업 신고번호를 확인할 수 없어요." in mail.outbox[-1].body
    again = services.seller_apply(user=user, **application(mail_order_number="2024-서울강남-09999"))
    assert again.pk == seller.pk
    assert again.status == Seller.Status.PENDING
    assert again.status_reason == ""


def test_a_suspended_seller_cannot_go_live(django_capture_on_commit_callbacks):
    """정지 takes the right to broadcast away: the publish gate refuses its stream key, and it is mailed."""
    user = UserFactory(email="live@example.com")
    seller = SellerFactory(user=user)
    user.refresh_from_db()
    broadcast = BroadcastFactory(seller=user)

    with django_capture_on_commit_callbacks(execute=True):
        services.seller_suspend(seller=seller, reason="허위 광고 신고가 접수되었어요.")

    user.refresh_from_db()
    assert not user.is_seller
    assert "정지" in mail.outbox[-1].subject
    assert "허위 광고" in mail.outbox[-1].body
    with pytest.raises(broadcast_services.PublishRefused):
        broadcast_services.broadcast_publish_start(
            public_name=broadcast.public_name, key=broadcast.stream_key
        )

    services.seller_approve(seller=seller)
    live = broadcast_services.broadcast_publish_start(
        public_name=broadcast.public_name, key=broadcast.stream_key
    )
    assert live.is_live


def test_a_suspended_sellers_products_cannot_be_carted_held_or_ordered():
    """Cart, live hold and checkout all refuse a suspended seller's product, saying why in Korean."""
    option = ProductOptionFactory(stock=10)
    shopper = UserFactory()
    order_services.cart_item_add(user=shopper, option_id=option.pk)
    services.seller_suspend(seller=option.product.seller, reason="정산 계좌 확인 중")

    with pytest.raises(ValidationError, match="판매자 사정으로"):
        order_services.cart_item_add(user=UserFactory(), option_id=option.pk)
    with pytest.raises(ValidationError, match="판매자 사정으로"):
        order_services.stock_hold_place(user=shopper, option_id=option.pk, quantity=1, minutes=5)
    with pytest.raises(ValidationError, match="판매자 사정으로"):
        order_make(user=shopper, option=option)
    option.refresh_from_db()
    assert option.stock == 10


def test_only_pending_applications_are_rejected_and_only_approved_sellers_suspended():
    """The review states move one way each: 반려 from 심사 중, 정지 from 승인."""
    approved = SellerFactory()
    pending = SellerFactory(status=Seller.Status.PENDING)
    with pytest.raises(ValidationError):
        services.seller_reject(seller=approved, reason="x")
    with pytest.raises(ValidationError):
        services.seller_suspend(seller=pending, reason="x")
    with pytest.raises(ValidationError):
        services.seller_approve(seller=approved)


def test_an_approved_member_cannot_apply_again():
    """A selling member has a shop already; a second application is refused."""
    user = UserFactory()
    SellerFactory(user=user)
    with pytest.raises(ValidationError):
        services.seller_apply(user=user, **application())


def test_a_sellers_change_drops_its_product_pages(django_capture_on_commit_callbacks):
    """The product page names the seller and whether it sells: suspending it drops the cached detail."""
    product = ProductFactory()
    catalog_selectors.product_detail(product_id=product.pk)
    assert cache.get(caching.product_detail_key(product.pk)) is not None

    with django_capture_on_commit_callbacks(execute=True):
        services.seller_suspend(seller=product.seller, reason="점검")

    assert cache.get(caching.product_detail_key(product.pk)) is None
    detail = catalog_selectors.product_detail(product_id=product.pk)
    assert detail["product"].seller.status == Seller.Status.SUSPENDED


def test_a_rename_in_admin_drops_the_product_pages_too(django_capture_on_commit_callbacks):
    """Renaming the shop (staff's edit) drops its products' cached details."""
    product = ProductFactory()
    catalog_selectors.product_detail(product_id=product.pk)
    seller = product.seller
    seller.business_name = "새 이름 상회"

    with django_capture_on_commit_callbacks(execute=True):
        services.seller_save(seller=seller)

    assert (
        catalog_selectors.product_detail(product_id=product.pk)["product"].seller.business_name
        == "새 이름 상회"
    )


def test_the_house_shop_is_made_once():
    """TriMarket 직영 is approved, has no member and is made only once."""
    house = services.seller_house_ensure()
    assert services.seller_house_ensure().pk == house.pk
    assert house.user_id is None
    assert selectors.seller_may_sell(house)

import pytest
from django.core import mail

from apps.accounts.tests.factories import UserFactory
from apps.sellers.models import Seller
from apps.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    return client


def test_staff_find_applications_by_state_and_name(staff_client):
    """The list filters by 상태 and searches by 상호."""
    SellerFactory(business_name="심사상회", status=Seller.Status.PENDING)
    SellerFactory(business_name="승인상회")

    pending = staff_client.get("/admin/sellers/seller/?status__exact=pending").content.decode()
    found = staff_client.get("/admin/sellers/seller/?q=승인상회").content.decode()

    assert "심사상회" in pending
    assert "승인상회" not in pending
    assert "승인상회" in found
    assert "선택한 셀러 승인" in pending


def test_staff_approve_in_admin_and_the_member_is_mailed(staff_client):
    """The 승인 action approves the selected application and mails the member."""
    member = UserFactory(email="apply@example.com")
    seller = SellerFactory(user=member, status=Seller.Status.PENDING)

    staff_client.post(
        "/admin/sellers/seller/", {"action": "approve", "_selected_action": [seller.pk], "reason": ""}
    )

    seller.refresh_from_db()
    member.refresh_from_db()
    assert seller.status == Seller.Status.APPROVED
    assert member.is_seller
    assert mail.outbox[-1].to == ["apply@example.com"]


def test_staff_reject_with_the_reason_typed_beside_the_action(staff_client):
    """반려 takes the reason from the action bar; without one nothing changes and staff are told why."""
    seller = SellerFactory(user=UserFactory(email="r@example.com"), status=Seller.Status.PENDING)

    refused = staff_client.post(
        "/admin/sellers/seller/",
        {"action": "reject", "_selected_action": [seller.pk], "reason": ""},
        follow=True,
    ).content.decode()
    seller.refresh_from_db()
    assert seller.status == Seller.Status.PENDING
    assert "반려 사유를 적어 주세요." in refused

    staff_client.post(
        "/admin/sellers/seller/",
        {"action": "reject", "_selected_action": [seller.pk], "reason": "사업자 정보가 맞지 않아요."},
    )
    seller.refresh_from_db()
    assert seller.status == Seller.Status.REJECTED
    assert seller.status_reason == "사업자 정보가 맞지 않아요."
    assert "사업자 정보가 맞지 않아요." in mail.outbox[-1].body


def test_staff_suspend_a_seller_in_admin(staff_client):
    """정지 with a reason takes the selling right away."""
    member = UserFactory()
    seller = SellerFactory(user=member)

    staff_client.post(
        "/admin/sellers/seller/",
        {"action": "suspend", "_selected_action": [seller.pk], "reason": "민원 누적"},
    )

    seller.refresh_from_db()
    member.refresh_from_db()
    assert seller.status == Seller.Status.SUSPENDED
    assert not member.is_seller


def test_editing_a_seller_in_admin_cannot_change_its_state(staff_client):
    """The change form edits details only; the state moves through the actions (and their mails)."""
    seller = SellerFactory(status=Seller.Status.PENDING)
    data = {
        "business_name": "고친상회",
        "representative": seller.representative,
        "business_number": seller.business_number,
        "mail_order_number": seller.mail_order_number,
        "address": seller.address,
        "introduction": "",
        "phone": seller.phone,
        "email": seller.email,
        "bank": seller.bank,
        "account_number": seller.account_number,
        "account_holder": seller.account_holder,
        "status": "approved",
    }

    response = staff_client.post(f"/admin/sellers/seller/{seller.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:1500]
    seller.refresh_from_db()
    assert seller.business_name == "고친상회"
    assert seller.status == Seller.Status.PENDING

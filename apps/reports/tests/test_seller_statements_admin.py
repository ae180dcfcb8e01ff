"""Staff and seller statements in admin: every seller's rows, 지급 완료로 표시 recording who and when, CSV."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.live.tests.factories import SellerFactory
from apps.reports.models import SellerStatement
from apps.reports.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

URL = "/admin/reports/sellerstatement/"


def statement(seller, *, payout_date: date, payout: int) -> SellerStatement:
    return SellerStatement.objects.create(
        seller=seller,
        kind=SellerStatement.Kind.DAY,
        period_start=payout_date - timedelta(days=7),
        gross=payout,
        payout=payout,
        payout_days=7,
        payout_date=payout_date,
    )


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


def test_staff_see_every_sellers_statements_and_mark_due_ones_paid(staff_client):
    """Both shops' rows are listed; the due one becomes 지급완료 with the staff member and time, the one
    whose payout date is tomorrow stays 정산예정 and staff are told why."""
    shop_a, shop_b = SellerFactory().seller, SellerFactory().seller
    today = timezone.localdate()
    due = statement(shop_a, payout_date=today, payout=12345)
    early = statement(shop_b, payout_date=today + timedelta(days=1), payout=67890)

    listing = staff_client.get(URL).content.decode()
    assert shop_a.business_name in listing
    assert shop_b.business_name in listing

    response = staff_client.post(
        URL, {"action": "mark_paid", "_selected_action": [due.pk, early.pk]}, follow=True
    )

    due.refresh_from_db()
    early.refresh_from_db()
    assert due.status == SellerStatement.Status.PAID
    assert due.paid_by.username == "staff"
    assert due.paid_at is not None
    assert early.status == SellerStatement.Status.SCHEDULED
    assert "아직 오지 않았어요" in response.content.decode()


def test_staff_export_the_selected_statements_as_csv(staff_client):
    shop = SellerFactory().seller
    row = statement(shop, payout_date=timezone.localdate(), payout=-3000)

    response = staff_client.post(URL, {"action": "export_csv", "_selected_action": [row.pk]})

    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff셀러 ID,상호,구매확정일")
    assert f"{shop.pk},{shop.business_name}," in text
    assert ",-3000," in text

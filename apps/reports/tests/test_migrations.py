"""Migration reports/0004: old category settlement rows naming a broadcast seller's member move to its shop."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.live.tests.factories import SellerFactory
from apps.reports.models import Settlement

BEFORE = [("reports", "0003_seller_statements")]
AFTER = [("reports", "0004_settlement_seller_is_the_shop")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_members_row_becomes_its_shops_and_a_shop_row_stays_empty():
    member = SellerFactory()
    old_apps = _migrate(BEFORE)
    OldSettlement = old_apps.get_model("reports", "Settlement")
    OldSettlement.objects.create(kind="day", period_start=date(2026, 10, 14), seller_id=member.pk, net=1)
    OldSettlement.objects.create(kind="day", period_start=date(2026, 10, 14), seller_id=None, net=2)

    _migrate(AFTER)

    assert dict(Settlement.objects.values_list("net", "seller_id")) == {1: member.seller.pk, 2: None}

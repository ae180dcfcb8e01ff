"""The read replica: catalog pages and reports read from it, writes and fresh reads from the primary.

Against the real MariaDB replica `make test` starts on 127.0.0.1:3307 (docker/dev/replica.sh): the test database
is created on the primary and replication brings it over, so every row a test writes reaches the replica for
real. Transactional tests: inside the usual test transaction every read goes to the primary by design.
"""

import time

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.tests.factories import UserFactory
from apps.catalog.caching import product_changed
from apps.catalog.models import Product, Wishlist
from apps.catalog.tests.factories import ProductFactory
from apps.core import db_router
from apps.core.pagecache import local_clear
from apps.orders.models import Order
from apps.reports import selectors as report_selectors

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def caught_up(timeout: float = 10) -> None:
    """Wait until the replica has applied everything the primary has committed so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT @@gtid_binlog_pos")
        (position,) = cursor.fetchone()
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT MASTER_GTID_WAIT(%s, %s)", [position, timeout])
        (waited,) = cursor.fetchone()
    assert waited == 0, f"the replica did not reach {position} within {timeout}s"


@pytest.fixture
def replica(settings):
    if "replica" not in settings.DATABASES:
        pytest.skip("DATABASE_REPLICA_URL is not set (the test settings set it unless overridden)")
    if db_router.replica_lag() is None:
        pytest.skip(
            "the MariaDB replica on 127.0.0.1:3307 is not replicating: start it with "
            "`bash docker/dev/services.sh mariadb-replica` (make test does)"
        )
    settings.DATABASE_REPLICA_READS = True
    # The replica is shared with every suite running on the primary at the moment, and a busy one can be seconds
    # behind; the limit itself is tested with a lag set by the test (test_a_lagging_replica_is_stepped_around).
    settings.DATABASE_REPLICA_MAX_LAG = 60
    caught_up(timeout=30)
    db_router.replica_lag_forget()
    yield connections["replica"]
    db_router.replica_lag_forget()


def replica_queries(client, url: str) -> tuple[int, int]:
    """(status, queries the replica answered) for one GET of a page rendered afresh (a shared copy in the page
    cache would answer with no query at all)."""
    product_changed(*Product.objects.values_list("pk", flat=True))
    local_clear()
    with CaptureQueriesContext(connections["replica"]) as queries:
        response = client.get(url)
    return response.status_code, len([q for q in queries if "SLAVE STATUS" not in q["sql"]])


def test_catalog_reads_go_to_the_replica_and_writes_to_the_primary(replica):
    # Outside a page (a Celery task right after the commit that queued it): the primary.
    assert router.db_for_read(Product) == "default"
    product = ProductFactory(name="복제 확인 상품")
    caught_up()
    with db_router.page_reads():
        assert router.db_for_read(Product) == "replica"
        assert router.db_for_write(Product) == "default"
        # Not a catalog model: orders are read where they are written.
        assert router.db_for_read(Order) == "default"

        found = Product.objects.get(pk=product.pk)
        assert found._state.db == "replica"
        assert found.name == "복제 확인 상품"
        # Saving what was read from the replica writes to the primary (the replica's user could not).
        found.name = "이름 바뀜"
        found.save()
    assert Product.objects.using("default").get(pk=product.pk).name == "이름 바뀜"


def test_real_replication_brings_a_write_over(replica):
    product = ProductFactory()
    Product.objects.filter(pk=product.pk).update(name="복제된 이름")
    caught_up()
    assert Product.objects.using("replica").get(pk=product.pk).name == "복제된 이름"
    assert db_router.replica_lag() is not None


def test_reads_inside_a_transaction_go_to_the_primary(replica):
    product = ProductFactory()
    with db_router.page_reads(), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(name="트랜잭션 안")
        assert router.db_for_read(Product) == "default"
        # Not committed, so the replica cannot have it: the read must see the transaction's own write.
        assert Product.objects.get(pk=product.pk).name == "트랜잭션 안"


def test_a_browser_that_just_wrote_reads_from_the_primary(replica, client):
    product = ProductFactory()
    user = UserFactory()
    client.force_login(user)
    caught_up()
    url = reverse("catalog:product", args=[product.pk])

    status, on_replica = replica_queries(client, url)
    assert status == 200
    assert on_replica > 0

    response = client.post(reverse("catalog:wishlist-toggle", args=[product.pk]))
    assert response.status_code < 400
    assert db_router.PIN_COOKIE in response.cookies
    assert Wishlist.objects.filter(user=user, product=product).exists()
    # Right after the write, the same browser's pages come from the primary (they show the wish).
    status, on_replica = replica_queries(client, reverse("catalog:wishlist"))
    assert status == 200
    assert on_replica == 0
    status, on_replica = replica_queries(client, url)
    assert status == 200
    assert on_replica == 0

    # Once the pin has run out, the replica again.
    client.cookies[db_router.PIN_COOKIE] = str(int(time.time()) - 1)
    status, on_replica = replica_queries(client, url)
    assert status == 200
    assert on_replica > 0
    # A cookie that is not a deadline pins nothing and breaks nothing.
    client.cookies[db_router.PIN_COOKIE] = "tomorrow"
    status, on_replica = replica_queries(client, url)
    assert status == 200
    assert on_replica > 0


def test_a_lagging_replica_is_stepped_around(replica, settings, monkeypatch):
    settings.DATABASE_REPLICA_MAX_LAG = 5
    monkeypatch.setattr(db_router, "replica_lag", lambda: 30.0)
    db_router.replica_lag_forget()
    with db_router.page_reads():
        assert router.db_for_read(Product) == "default"

    monkeypatch.setattr(db_router, "replica_lag", lambda: 2.0)
    db_router.replica_lag_forget()
    with db_router.page_reads():
        assert router.db_for_read(Product) == "replica"


def test_a_stopped_replica_sends_reads_to_the_primary_and_pages_still_work(replica, client):
    product = ProductFactory(name="주 서버에서 읽음")
    url = reverse("catalog:product", args=[product.pk])
    # Stopped as far as this process can tell: nothing listens where it points (the shared replica keeps
    # serving the other suites running beside this one).
    port = replica.settings_dict["PORT"]
    replica.close()
    replica.settings_dict["PORT"] = 9
    try:
        db_router.replica_lag_forget()
        assert db_router.replica_lag() is None
        with db_router.page_reads():
            assert router.db_for_read(Product) == "default"
        response = client.get(url)
        assert response.status_code == 200
        assert "주 서버에서 읽음" in response.content.decode()
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port
    db_router.replica_lag_forget()
    with db_router.page_reads():
        assert router.db_for_read(Product) == "replica"


def test_report_reads_go_to_the_replica_even_inside_a_job_transaction(replica):
    with transaction.atomic(), CaptureQueriesContext(replica) as queries:
        report_selectors.sales_daily(days=3)
        # The job writes what it computed on the primary.
        assert router.db_for_write(Order) == "default"
    assert len(queries) > 0

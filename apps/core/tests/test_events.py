"""The domain-event mechanism: after commit, each subscriber in its own retried task."""

import pytest
from django.db import transaction

from apps.core.events import publish, subscribe

received: list[tuple[str, dict]] = []
attempts = {"flaky": 0, "broken": 0}


@subscribe("test.happened")
def record(*, event: str, payload: dict) -> None:
    received.append((event, payload))


@subscribe("test.flaky")
def flaky(*, event: str, payload: dict) -> None:
    attempts["flaky"] += 1
    if attempts["flaky"] < 3:
        raise ConnectionError("the other side is not ready yet")
    received.append((event, payload))


@subscribe("test.flaky")
def broken(*, event: str, payload: dict) -> None:
    attempts["broken"] += 1
    raise RuntimeError("this subscriber always fails")


@subscribe("test.flaky")
def steady(*, event: str, payload: dict) -> None:
    received.append(("steady", payload))


@pytest.fixture(autouse=True)
def _reset():
    received.clear()
    attempts.update(flaky=0, broken=0)


@pytest.mark.django_db(transaction=True)
def test_subscribers_run_only_after_the_publishing_transaction_commits():
    """Nothing is announced while the change is uncommitted; the handler sees it once committed."""
    with transaction.atomic():
        publish("test.happened", {"id": 7})
        assert received == []

    assert received == [("test.happened", {"id": 7})]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_never_announced():
    """An event published in a transaction that rolls back reaches no subscriber."""

    def change_that_fails() -> None:
        with transaction.atomic():
            publish("test.happened", {"id": 8})
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        change_that_fails()

    assert received == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_subscriber_is_retried_and_never_blocks_the_others():
    """A flaky handler succeeds on retry, an always-failing one gives up, and the steady one still runs."""
    with transaction.atomic():
        publish("test.flaky", {"id": 9})

    assert attempts["flaky"] == 3
    assert ("test.flaky", {"id": 9}) in received
    assert ("steady", {"id": 9}) in received
    assert attempts["broken"] > 1

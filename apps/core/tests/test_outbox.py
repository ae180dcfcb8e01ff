"""The outbox behind domain events: rows written with the change, the relay, backoff, staff's view."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.utils import timezone

from apps.core import apps as core_apps
from apps.core import outbox, tasks
from apps.core.events import publish, subscribe
from apps.core.models import EventDelivery
from apps.core.tasks import event_handle, outbox_relay_pass

runs: dict[str, int] = {"steady": 0, "down": 0, "alerted": 0}
other_side = {"up": False}
alert_minutes = {"value": 30}


@subscribe("outbox_test.happened")
def steady(*, event: str, payload: dict) -> None:
    runs["steady"] += 1


@subscribe("outbox_test.needs_the_other_side")
def needs_the_other_side(*, event: str, payload: dict) -> None:
    runs["down"] += 1
    if not other_side["up"]:
        raise ConnectionError("the other side is down")


@subscribe("outbox_test.watched", alert_after_minutes=lambda: alert_minutes["value"], alert_label="시험 처리")
def watched(*, event: str, payload: dict) -> None:
    runs["alerted"] += 1
    raise ConnectionError("still down")


@pytest.fixture(autouse=True)
def _reset():
    runs.update(steady=0, down=0, alerted=0)
    other_side["up"] = False
    alert_minutes["value"] = 30


def _later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


@pytest.mark.django_db(transaction=True)
def test_an_event_is_a_row_per_subscriber_written_with_the_change_and_marked_done_when_handled():
    """publish writes its rows in the publishing transaction; a rollback leaves none; a run marks them done."""

    def change_that_fails() -> None:
        with transaction.atomic():
            publish("outbox_test.happened", {"id": 1})
            assert EventDelivery.objects.filter(event="outbox_test.happened").count() == 1
            raise ValueError("rolled back")

    with pytest.raises(ValueError, match="rolled back"):
        change_that_fails()
    assert not EventDelivery.objects.filter(event="outbox_test.happened").exists()

    with transaction.atomic():
        publish("outbox_test.happened", {"id": 2})
        assert runs["steady"] == 0

    row = EventDelivery.objects.get(event="outbox_test.happened")
    assert (row.payload, row.state, row.attempts) == ({"id": 2}, EventDelivery.State.DONE, 1)
    assert row.handler.endswith("test_outbox.steady")
    assert row.done_at
    assert runs["steady"] == 1
    publish("outbox_test.nobody_listens", {"id": 3})
    assert not EventDelivery.objects.filter(event="outbox_test.nobody_listens").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_handler_stays_open_and_the_relay_sends_it_again_with_capped_backoff():
    """No give-up: after its quick retries the row waits; each relay pass past its time sends it again,
    waiting twice as long each time up to ten minutes; once the handler works the row is done."""
    publish("outbox_test.needs_the_other_side", {"id": 4})
    row = EventDelivery.objects.get(event="outbox_test.needs_the_other_side")
    assert row.state == EventDelivery.State.FAILING
    assert runs["down"] == 4  # the on-commit run and three quick retries
    assert "the other side is down" in row.last_error

    assert outbox_relay_pass(now=_later(10))["sent"] == 0  # not yet due
    waits, clock = [], timezone.now()
    for _ in range(8):
        clock = EventDelivery.objects.get(pk=row.pk).next_attempt_at
        assert outbox_relay_pass(now=clock)["sent"] == 1
        waits.append((EventDelivery.objects.get(pk=row.pk).next_attempt_at - clock).total_seconds())
    assert waits == [60, 120, 240, 480, 600, 600, 600, 600]
    assert EventDelivery.objects.get(pk=row.pk).state == EventDelivery.State.FAILING

    other_side["up"] = True
    outbox_relay_pass(now=clock + timedelta(minutes=10))
    row.refresh_from_db()
    assert row.state == EventDelivery.State.DONE
    before = runs["down"]
    assert outbox_relay_pass(now=clock + timedelta(hours=1))["sent"] == 0
    assert runs["down"] == before


@pytest.mark.django_db(transaction=True)
def test_a_handler_that_works_again_catches_up_its_backlog_within_two_passes():
    """Rows with long backoffs are not left waiting: a pass probes one, its success pulls the rest forward."""
    for number in range(3):
        publish("outbox_test.needs_the_other_side", {"id": number})
    rows = EventDelivery.objects.filter(event="outbox_test.needs_the_other_side")
    rows.update(attempts=6, next_attempt_at=_later(600))

    other_side["up"] = True
    assert outbox_relay_pass(now=_later(1))["sent"] == 0  # tried just now: no probe yet
    first = outbox_relay_pass(now=_later(outbox.PROBE_SECONDS + 1))
    second = outbox_relay_pass(now=_later(outbox.PROBE_SECONDS + 2))

    assert (first["sent"], second["sent"]) == (1, 2)
    assert set(rows.values_list("state", flat=True)) == {EventDelivery.State.DONE}


@pytest.mark.django_db(transaction=True)
def test_a_delivered_handler_is_never_run_again():
    """Sending a done row again (a duplicate message, staff's retry) does not run its handler."""
    publish("outbox_test.happened", {"id": 5})
    row = EventDelivery.objects.get(event="outbox_test.happened")

    event_handle.delay(delivery_id=row.pk)
    assert outbox.deliveries_send_again(ids=[row.pk]) == []

    assert runs["steady"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_message_queued_before_the_outbox_gets_one_row_however_often_it_arrives():
    """An old-style message (handler, event, payload) is adopted as a row once per message id."""
    kwargs = {"handler": f"{__name__}.steady", "event": "outbox_test.happened", "payload": {"id": 6}}

    event_handle.apply(kwargs=kwargs, task_id="legacy-1")
    event_handle.apply(kwargs=kwargs, task_id="legacy-1")

    row = EventDelivery.objects.get(event="outbox_test.happened")
    assert row.state == EventDelivery.State.DONE
    assert runs["steady"] == 1


@pytest.mark.django_db(transaction=True)
def test_staff_are_mailed_once_about_a_delivery_open_past_its_alert_time(settings):
    """A watched handler still failing after its alert minutes: one mail to staff and ADMINS, never again."""
    settings.ADMINS = [("운영", "ops@example.com")]
    get_user_model().objects.create_user(username="staff1", email="staff1@example.com", is_staff=True)
    get_user_model().objects.create_user(username="shopper", email="shopper@example.com")
    alert_minutes["value"] = 5
    publish("outbox_test.watched", {"order_id": 7})
    mail.outbox.clear()

    assert outbox_relay_pass(now=_later(4 * 60))["alerted"] == 0
    assert outbox_relay_pass(now=_later(6 * 60))["alerted"] == 1
    assert outbox_relay_pass(now=_later(60 * 60))["alerted"] == 0

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["ops@example.com", "staff1@example.com"]
    assert all("시험 처리 1건이 5분 넘게" in message.subject for message in mail.outbox)
    assert '"order_id": 7' in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_delivered_rows_are_deleted_after_a_week_and_open_ones_never():
    """The relay deletes rows done more than KEEP_DONE_DAYS ago; open rows stay however old."""
    publish("outbox_test.happened", {"id": 8})
    publish("outbox_test.needs_the_other_side", {"id": 9})

    assert outbox_relay_pass(now=_later(86400 * (outbox.KEEP_DONE_DAYS - 1)))["purged"] == 0
    assert outbox_relay_pass(now=_later(86400 * (outbox.KEEP_DONE_DAYS + 1)))["purged"] == 1

    assert list(EventDelivery.objects.values_list("event", flat=True)) == ["outbox_test.needs_the_other_side"]


@pytest.mark.django_db(transaction=True)
def test_staff_see_the_outbox_and_send_an_open_delivery_again(admin_client):
    """Admin lists deliveries with filters and search; 다시 보내기 runs an open one and skips a done one."""
    publish("outbox_test.happened", {"id": 10})
    publish("outbox_test.needs_the_other_side", {"merchant_uid": "TM261205-RETRYME1"})
    done = EventDelivery.objects.get(event="outbox_test.happened")
    failing = EventDelivery.objects.get(event="outbox_test.needs_the_other_side")

    page = admin_client.get("/admin/core/eventdelivery/", {"state__exact": "failing", "q": "RETRYME1"})
    assert page.status_code == 200
    assert "이벤트 전달" in page.content.decode()
    assert list(page.context["cl"].queryset) == [failing]

    other_side["up"] = True
    response = admin_client.post(
        "/admin/core/eventdelivery/",
        {"action": "send_again", "_selected_action": [done.pk, failing.pk]},
        follow=True,
    )

    text = response.content.decode()
    assert "1건을 다시 보냈어요" in text
    assert "1건은 이미 완료되어" in text
    failing.refresh_from_db()
    assert failing.state == EventDelivery.State.DONE
    assert runs["steady"] == 1


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_finished_requests_run_the_relay_now_and_then(monkeypatch):
    """No beat without a broker: a finished request runs a relay pass, then not again for 30 s."""
    monkeypatch.setattr(tasks, "_relayed_at", 0.0)
    publish("outbox_test.needs_the_other_side", {"id": 11})
    row = EventDelivery.objects.get(event="outbox_test.needs_the_other_side")
    EventDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    other_side["up"] = True

    core_apps._outbox_relay_after_request(sender=None)
    assert tasks.outbox_relay_now_and_then() == {}

    row.refresh_from_db()
    assert row.state == EventDelivery.State.DONE

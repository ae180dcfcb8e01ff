"""Alarms: one mail per subscriber, taken only before the start."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apps.live import services
from apps.live.models import Broadcast, BroadcastAlarm
from apps.live.tests.factories import BroadcastFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_alarm_mail_once_per_subscriber():
    """Each subscriber gets the go-live mail once, even when the task runs twice; unsubscribed users none."""
    broadcast = BroadcastFactory()
    fan, leaver = UserFactory(), UserFactory()
    services.broadcast_alarm_set(broadcast=broadcast, user=fan, on=True)
    services.broadcast_alarm_set(broadcast=broadcast, user=fan, on=True)
    services.broadcast_alarm_set(broadcast=broadcast, user=leaver, on=True)
    services.broadcast_alarm_set(broadcast=broadcast, user=leaver, on=False)

    assert services.broadcast_alarms_notify(broadcast_id=broadcast.pk) == 1
    assert services.broadcast_alarms_notify(broadcast_id=broadcast.pk) == 0
    assert [message.to for message in mail.outbox] == [[fan.email]]
    assert broadcast.get_absolute_url() in mail.outbox[0].body
    assert BroadcastAlarm.objects.get(user=fan).notified_at is not None


def test_alarms_only_before_the_start():
    """A broadcast already on air takes no new alarm."""
    broadcast = BroadcastFactory()
    services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    with pytest.raises(ValidationError):
        services.broadcast_alarm_set(
            broadcast=Broadcast.objects.get(pk=broadcast.pk), user=UserFactory(), on=True
        )

"""The replay made from the closed recording."""

import pytest

from apps.live import services
from apps.live.models import Broadcast
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db


def test_replay_of_a_missing_recording_fails_cleanly(tmp_path, django_capture_on_commit_callbacks):
    """A recording that vanished marks the replay failed instead of raising."""
    broadcast = BroadcastFactory()
    services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    services.broadcast_recording_done(public_name=broadcast.public_name, path=str(tmp_path / "gone.flv"))
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_end(broadcast=broadcast)
    broadcast.refresh_from_db()
    assert broadcast.replay_status == Broadcast.ReplayStatus.FAILED

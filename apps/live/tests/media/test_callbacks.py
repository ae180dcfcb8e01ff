"""The media server's callbacks take each field from nginx-rtmp, never from the publisher's own query string.

The bodies are built the way nginx-rtmp builds them (``ngx_rtmp_netcall_http_format_session`` then the call's
fields, then the publish URL's query as it came); the real server's flow is in ``test_server.py``.
"""

from unittest import mock

import pytest
from constance.test.pytest import override_config

from apps.live import tasks
from apps.live.media.server import callback_secret
from apps.live.models import Broadcast
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db


def _post(client, callback: str, body: str):
    return client.post(
        f"/live/media-server/{callback_secret()}/{callback}/",
        body,
        content_type="application/x-www-form-urlencoded",
    )


def _nginx_body(call: str, name: str, query: str, *, clientid: str = "7", path: str = "") -> str:
    session = (
        "app=live&flashver=FMLE/3.0%20(compatible%3B%20FMSc/1.0)&swfurl=&tcurl=rtmp://127.0.0.1:1935/live"
        f"&pageurl=&addr=127.0.0.1&clientid={clientid}"
    )
    fields = {
        "publish": f"&call=publish&name={name}&type=live",
        "publish_done": f"&call=publish_done&name={name}",
        "record_done": f"&call=record_done&recorder=all&name={name}&path={path}",
    }[call]
    return f"{session}{fields}&{query}" if query else f"{session}{fields}"


def _refreshed(broadcast: Broadcast) -> Broadcast:
    broadcast.refresh_from_db()
    return broadcast


def test_the_publish_body_nginx_sends_puts_the_broadcast_on_air(client):
    """nginx's fields, then OBS's ``?key=…``: the broadcast goes live with nginx's client id."""
    broadcast = BroadcastFactory()
    body = _nginx_body("publish", broadcast.public_name, f"key={broadcast.stream_key}")
    assert _post(client, "publish", body).status_code == 200
    broadcast = _refreshed(broadcast)
    assert broadcast.status == Broadcast.Status.LIVE
    assert broadcast.publisher_client_id == "7"


def test_a_second_name_in_the_publish_url_is_refused_and_its_broadcast_stays_off_air(client):
    """A seller publishes onto another stream name with ``?key=<own key>&name=<own name>``: dropped (4xx),
    their own broadcast does not go live, and neither does the stream they aimed at."""
    own, aimed_at = BroadcastFactory(), BroadcastFactory()
    body = _nginx_body("publish", aimed_at.public_name, f"key={own.stream_key}&name={own.public_name}")
    response = _post(client, "publish", body)
    assert response.status_code == 400
    assert _refreshed(own).status == Broadcast.Status.SCHEDULED
    assert _refreshed(aimed_at).status == Broadcast.Status.SCHEDULED


@pytest.mark.parametrize("field", ["call", "app", "key", "clientid"])
def test_any_repeated_field_read_from_the_body_is_refused(client, field):
    """``key``, and nginx's own ``call``, ``app`` and ``clientid``, may not be given twice either."""
    broadcast = BroadcastFactory()
    body = _nginx_body("publish", broadcast.public_name, f"key={broadcast.stream_key}&{field}=x")
    assert _post(client, "publish", body).status_code == 400
    assert _refreshed(broadcast).status == Broadcast.Status.SCHEDULED


def test_publish_done_naming_another_broadcast_does_not_end_it(client):
    """The end of one publisher with ``&name=<another>&clientid=<its publisher>`` appended touches nothing;
    nginx's own publish_done of the victim's publisher starts its reconnect grace."""
    own, victim = make_live(BroadcastFactory()), make_live(BroadcastFactory())
    Broadcast.objects.filter(pk=victim.pk).update(publisher_client_id="12")
    query = f"key={own.stream_key}&name={victim.public_name}&clientid=12"
    response = _post(client, "publish-done", _nginx_body("publish_done", own.public_name, query))
    assert response.status_code == 400
    assert _refreshed(victim).status == Broadcast.Status.LIVE

    normal = _nginx_body("publish_done", victim.public_name, f"key={victim.stream_key}", clientid="12")
    assert _post(client, "publish-done", normal).status_code == 200
    assert _refreshed(victim).is_reconnecting


def test_record_done_with_a_path_from_the_publisher_keeps_no_recording(client):
    """A publish URL ending in ``&path=<another file>`` cannot choose the file the replay is made from."""
    broadcast = make_live(BroadcastFactory())
    query = f"key={broadcast.stream_key}&path=/var/recordings/someone-else.flv"
    body = _nginx_body("record_done", broadcast.public_name, query, path="/var/recordings/own.flv")
    assert _post(client, "record-done", body).status_code == 400
    assert _refreshed(broadcast).recording_path == ""

    body = _nginx_body(
        "record_done", broadcast.public_name, f"key={broadcast.stream_key}", path="/var/recordings/own.flv"
    )
    assert _post(client, "record-done", body).status_code == 200
    assert _refreshed(broadcast).recording_path == "/var/recordings/own.flv"


def test_a_drop_schedules_its_grace_check_when_the_window_closes(client, django_capture_on_commit_callbacks):
    """nginx reports the publisher gone: Celery gets a check due just after admin's window, after the commit."""
    broadcast = make_live(BroadcastFactory())
    Broadcast.objects.filter(pk=broadcast.pk).update(publisher_client_id="7")
    body = _nginx_body("publish_done", broadcast.public_name, f"key={broadcast.stream_key}")
    with (
        override_config(LIVE_RECONNECT_GRACE_SECONDS=45),
        mock.patch.object(tasks.broadcast_grace_check, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert _post(client, "publish-done", body).status_code == 200
    assert _refreshed(broadcast).is_reconnecting
    apply_async.assert_called_once_with(args=[broadcast.pk], countdown=46)

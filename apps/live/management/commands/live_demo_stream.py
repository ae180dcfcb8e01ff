"""``manage.py live_demo_stream``: keep the demo broadcast really live in `make run` (Procfile ``demo-stream``).

Waits for the media server and the web process, then pushes an ffmpeg test pattern with a tone over RTMP
with the demo broadcast's key, exactly as OBS would; when ffmpeg exits it puts the demo broadcast back on
the schedule (an ended broadcast's key is never accepted again) and starts over.
"""

import signal
import subprocess
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.live import demo
from apps.live.media.server import MediaServer, port_open, publish_url, publisher_command

RESTART_DELAY = 3.0


class Command(BaseCommand):
    help = "데모 방송에 ffmpeg 테스트 화면을 RTMP로 계속 송출합니다."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="ffmpeg가 끝나면 다시 시작하지 않습니다")

    def handle(self, *args, once: bool, **options) -> None:
        server = MediaServer.from_settings()
        web = urlsplit(settings.LIVE_CALLBACK_BASE_URL)
        self._process: subprocess.Popen | None = None
        signal.signal(signal.SIGTERM, self._stop)
        self.stdout.write("데모 송출: 미디어 서버와 웹을 기다립니다…")
        while not (server.is_ready() and port_open(web.hostname or "127.0.0.1", web.port or 80)):
            time.sleep(0.5)
        while True:
            broadcast = demo.live_broadcast_ready()
            if broadcast is None:
                self.stderr.write("데모 방송이 없습니다: `manage.py demo` 를 먼저 실행하세요.")
                return
            url = publish_url(
                ingest_url=server.ingest_url, public_name=broadcast.public_name, key=broadcast.stream_key
            )
            self.stdout.write(
                f"데모 송출 시작: {broadcast.title} → {server.ingest_url}/{broadcast.public_name}"
            )
            self._process = subprocess.Popen(publisher_command(url))
            code = self._process.wait()
            self.stdout.write(f"데모 송출이 끝났습니다 (ffmpeg {code}).")
            if once:
                return
            time.sleep(RESTART_DELAY)

    def _stop(self, signum, frame) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
        raise SystemExit(0)

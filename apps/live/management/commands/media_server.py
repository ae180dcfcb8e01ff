"""``manage.py media_server``: render media-server/nginx.conf.template into var/media-server/ and run
nginx-rtmp in the foreground (Procfile ``media``; honcho stops it with the rest)."""

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.live.media.server import MediaServer


class Command(BaseCommand):
    help = "nginx-rtmp 미디어 서버(RTMP 송출 1935, HLS 8080)를 실행합니다."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--callback-url", help="Django의 주소 (기본값: LIVE_CALLBACK_BASE_URL)")
        parser.add_argument(
            "--dir", type=Path, help="설정과 HLS, 녹화 파일을 둘 곳 (기본값: var/media-server)"
        )
        parser.add_argument("--check", action="store_true", help="설정만 만들고 nginx -t 로 검사합니다")

    def handle(self, *args, callback_url: str | None, dir: Path | None, check: bool, **options) -> None:
        if not shutil.which(settings.NGINX_BINARY):
            raise CommandError(
                f"nginx가 없습니다 ({settings.NGINX_BINARY}): apt-get install nginx libnginx-mod-rtmp"
            )
        if not Path(settings.NGINX_RTMP_MODULE).is_file():
            raise CommandError(
                f"RTMP 모듈이 없습니다 ({settings.NGINX_RTMP_MODULE}): apt-get install libnginx-mod-rtmp"
            )
        overrides = {}
        if callback_url:
            overrides["callback_base_url"] = callback_url
        if dir:
            overrides["directory"] = dir.resolve()
        server = MediaServer.from_settings(**overrides)
        server.clean()
        config = server.render()
        server.check()
        self.stdout.write(
            f"미디어 서버: RTMP {server.ingest_url}  HLS {server.hls_base_url}/<이름>/index.m3u8  (설정 {config})"
        )
        if check:
            return
        command = server.command()
        # exec: nginx becomes this process, so honcho's signals reach it directly.
        os.execv(command[0], command)

"""``manage.py pg_sandbox [--port 8090]``: the PG sandbox, with the credentials and URLs of the settings."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "PG 샌드박스(PortOne REST API v1과 결제창)를 실행합니다."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, help="기본값: PORTONE_API_URL의 포트 (8090)")
        parser.add_argument("--state-file", type=Path, help="결제 정보를 재시작 후에도 유지할 JSON 파일")

    def handle(self, *args, host, port, state_file, **options):
        from apps.payments.sandbox.__main__ import run

        if urlsplit(settings.PORTONE_API_URL).hostname not in ("127.0.0.1", "localhost"):
            raise CommandError(
                f"PORTONE_API_URL이 {settings.PORTONE_API_URL}입니다: 샌드박스를 쓰지 않는 설정입니다."
            )
        port = port or urlsplit(settings.PORTONE_API_URL).port or 8090
        run(
            host,
            port,
            settings.PORTONE_IMP_KEY,
            settings.PORTONE_IMP_SECRET,
            (settings.PORTONE_SANDBOX_WEBHOOK_URL,),
            state_file,
        )

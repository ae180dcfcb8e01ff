"""``manage.py delivery_tracker_fake [--port 8091]``: the local Delivery Tracker for ``make run``, with the
URL and credentials of the settings; every parcel it hears of walks the demo journey one scan per step."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.orders.tracking.fake import FakeDeliveryTracker

DEFAULT_STEP_SECONDS = 20.0


class Command(BaseCommand):
    help = "배송 조회 서비스(tracker.delivery GraphQL)의 로컬 대역을 실행합니다."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, help="기본값: DELIVERY_TRACKER_URL의 포트 (8091)")
        parser.add_argument(
            "--step-seconds",
            type=float,
            default=DEFAULT_STEP_SECONDS,
            help="데모 택배가 다음 단계(집하 → 이동중 → 배송출발 → 배달완료)로 가는 간격",
        )

    def handle(self, *args, host, port, step_seconds, **options):
        url = urlsplit(settings.DELIVERY_TRACKER_URL)
        if url.hostname not in ("127.0.0.1", "localhost"):
            raise CommandError(
                f"DELIVERY_TRACKER_URL이 {settings.DELIVERY_TRACKER_URL}입니다: 로컬 대역을 쓰지 않는 설정입니다."
            )
        if not settings.DELIVERY_TRACKER_CLIENT_ID:
            raise CommandError(
                "DELIVERY_TRACKER_CLIENT_ID가 비어 있습니다 (개발 설정은 fake-client를 씁니다)."
            )
        fake = FakeDeliveryTracker(
            client_id=settings.DELIVERY_TRACKER_CLIENT_ID,
            client_secret=settings.DELIVERY_TRACKER_CLIENT_SECRET,
            journey=True,
        ).start(host=host, port=port or url.port or 8091)
        self.stdout.write(f"배송 조회 대역: {fake.url} (단계 간격 {step_seconds:g}초)", ending="\n")
        self.stdout.flush()
        try:
            while True:
                time.sleep(step_seconds)
                fake.advance()
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()

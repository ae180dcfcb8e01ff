"""Make the WebP/AVIF renditions of broadcast covers that have none (covers uploaded before renditions existed,
the demo's, or those whose task was lost): `manage.py cover_renditions [--all]`."""

from django.core.management.base import BaseCommand

from apps.live.models import Broadcast
from apps.live.services import covers


class Command(BaseCommand):
    help = "방송 대표 이미지의 WebP/AVIF 변환 이미지를 만듭니다 (없는 것만, --all 이면 모두 다시)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="make every cover's renditions again")

    def handle(self, *args, all: bool, **options) -> None:
        if all:
            broadcast_ids = list(
                Broadcast.objects.exclude(cover="").order_by("pk").values_list("pk", flat=True)
            )
        else:
            broadcast_ids = covers.broadcast_covers_without_renditions()
        for broadcast_id in broadcast_ids:
            covers.broadcast_cover_renditions_make(broadcast_id=broadcast_id)
        self.stdout.write(f"방송 대표 이미지 {len(broadcast_ids)}개의 변환 이미지를 만들었어요.")

"""Make the WebP/AVIF renditions of product pictures and review photos that have none (uploaded before
renditions existed, the demo catalog's, or those whose task was lost): `manage.py image_renditions [--all]`."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from apps.catalog import selectors, services
from apps.catalog.models import ProductImage, ReviewPhoto


class Command(BaseCommand):
    help = "상품·리뷰 사진의 WebP/AVIF 변환 이미지를 만듭니다 (없는 사진만, --all 이면 모두 다시)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="make every picture's renditions again")

    def handle(self, *args, all: bool, **options) -> None:
        if all:
            image_ids = list(ProductImage.objects.order_by("pk").values_list("pk", flat=True))
            photo_ids = list(ReviewPhoto.objects.order_by("pk").values_list("pk", flat=True))
        else:
            image_ids = selectors.product_image_ids_without_renditions()
            photo_ids = selectors.review_photo_ids_without_renditions()
        bar = {"unit": "장", "ncols": 80, "file": self.stdout._out}
        for image_id in tqdm(image_ids, desc="상품 사진", **bar):
            services.product_image_renditions_make(image_id=image_id)
        for photo_id in tqdm(photo_ids, desc="리뷰 사진", **bar):
            services.review_photo_renditions_make(photo_id=photo_id)
        self.stdout.write(
            f"상품 사진 {len(image_ids)}장, 리뷰 사진 {len(photo_ids)}장의 변환 이미지를 만들었어요."
        )

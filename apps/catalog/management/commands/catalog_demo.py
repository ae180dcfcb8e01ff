"""Load the demo catalog alone, e.g. the benchmark's 2,000 products: `manage.py catalog_demo --products 2000`."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from apps.catalog import demo


class Command(BaseCommand):
    help = "데모 상품 카탈로그를 불러옵니다 (이미 있으면 모자란 만큼만 추가)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--products", type=int, default=demo.DEMO_PRODUCTS)
        parser.add_argument("--images", type=int, default=2, help="pictures per product")

    def handle(self, *args, products: int, images: int, **options) -> None:
        def progress(iterable, desc: str):
            return tqdm(iterable, desc=desc, unit="묶음", ncols=80, file=self.stdout._out)

        demo.load(progress=progress, products=products, images_per_product=images)
        self.stdout.write(f"상품 {products}개 준비됨")

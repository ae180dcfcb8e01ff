"""Load the demo data of every module, idempotently, with progress; then print the start-up banner.

Each module that has demo data provides ``apps/<module>/demo.py`` with an ``ORDER`` and a
``load(*, progress)`` that returns the demo accounts it made as (role, login ID, password) tuples.
Core imports no module: loaders are found through the installed apps.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from tqdm import tqdm


def _demo_modules() -> list:
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name.startswith("apps.") and importlib.util.find_spec(name):
            modules.append(importlib.import_module(name))
    return sorted(modules, key=lambda module: module.ORDER)


class Command(BaseCommand):
    help = "데모 데이터를 불러옵니다 (여러 번 실행해도 같은 결과)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--banner", action="store_true", help="print the URLs and demo accounts")

    def handle(self, *args, banner: bool, **options) -> None:
        accounts: list[tuple[str, str, str]] = []

        def progress(iterable, desc: str):
            return tqdm(iterable, desc=desc, unit="건", leave=True, ncols=80, file=self.stdout._out)

        # Demo shoppers are not people: whatever EMAIL_URL says, the mails their demo orders and alarms
        # trigger stay in memory instead of reaching a relay or cluttering the start-up banner.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for module in _demo_modules():
                accounts += module.load(progress=progress) or []
        if banner:
            self._print_banner(accounts)

    def _print_banner(self, accounts: list[tuple[str, str, str]]) -> None:
        site = settings.SITE_URL.rstrip("/")
        line = "=" * 64
        rows = [
            line,
            " TriMarket 이 준비되었습니다",
            line,
            f"  쇼핑몰        {site}/",
            f"  관리자        {site}/admin/",
            f"  API 문서      {site}/api/docs/",
            f"  상태 확인     {site}/healthz",
            f"  RTMP 송출     {settings.RTMP_INGEST_URL}",
            "",
            "  데모 계정 (아이디 / 비밀번호)",
            *(f"  - {role:<10} {username} / {password}" for role, username, password in accounts),
            line,
        ]
        self.stdout.write("\n".join(rows))

"""Move every sealed phone and account number to the newest of FIELD_ENCRYPTION_KEYS (docs/security.md).

Run after putting a new key first; the older key may be dropped once ``reseal --check`` reports nothing left.
Safe to run again and while the shop serves: a row already under the newest key is not touched.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from apps.core.sealed import reseal_model, sealed_fields


class Command(BaseCommand):
    help = "암호화된 전화번호·계좌번호를 FIELD_ENCRYPTION_KEYS 의 첫 번째(최신) 키로 다시 암호화합니다."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="바꾸지 않고, 최신 키가 아닌 값이 몇 개인지만 셉니다."
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        left = unreadable = 0
        for model in apps.get_models():
            if not sealed_fields(model):
                continue
            counts = reseal_model(model, dry_run=check)
            left += counts["moved"]
            unreadable += counts["unreadable"]
            verb = "would move" if check else "moved"
            self.stdout.write(
                f"{model._meta.label}: {verb} {counts['moved']}, unreadable {counts['unreadable']}"
            )
        if unreadable:
            raise CommandError(
                f"{unreadable} values open with none of FIELD_ENCRYPTION_KEYS: put back the key they were sealed with."
            )
        if check and left:
            raise CommandError(f"{left} values are not under the newest key yet: run `manage.py reseal`.")
        self.stdout.write(self.style.SUCCESS("every sealed value is under the newest key"))

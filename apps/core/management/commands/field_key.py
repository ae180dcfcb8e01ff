"""Print a new key for FIELD_ENCRYPTION_KEYS (put it first; docs/security.md: rotation)."""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "FIELD_ENCRYPTION_KEYS 에 넣을 새 키를 만듭니다."

    def handle(self, *args, **options) -> None:
        self.stdout.write(Fernet.generate_key().decode())

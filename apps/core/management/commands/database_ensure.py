"""Create the MariaDB database named in DATABASE_URL when it is missing (utf8mb4); SQLite needs nothing."""

import MySQLdb
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "DATABASE_URL 이 가리키는 데이터베이스가 없으면 만듭니다."

    def handle(self, *args, **options) -> None:
        db = settings.DATABASES["default"]
        # The embedded defaults keep the database and the sessions under var/.
        (settings.VAR_DIR / "sessions").mkdir(parents=True, exist_ok=True)
        if db["ENGINE"] != "django.db.backends.mysql":
            return
        name = db["NAME"]
        try:
            conn = MySQLdb.connect(
                host=db.get("HOST") or "127.0.0.1",
                port=int(db.get("PORT") or 3306),
                user=db["USER"],
                password=db.get("PASSWORD", ""),
                charset="utf8mb4",
            )
        except MySQLdb.OperationalError as exc:
            raise CommandError(
                f"MariaDB 에 접속할 수 없습니다 ({exc}). `bash docker/dev/services.sh mariadb` 로 시작하세요."
            ) from exc
        with conn.cursor() as cursor:
            cursor.execute(
                f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
        conn.close()
        self.stdout.write(f"    데이터베이스 `{name}` 준비됨")

#!/usr/bin/env bash
# MariaDB and Redis from Debian's packages on 127.0.0.1: installed when missing, started when not running,
# running ones used as they are. Creates the project's database user (Debian's MariaDB root is socket-only).
#   services.sh [mariadb] [mariadb-replica] [redis]      (mariadb and redis when no argument)
# mariadb-replica: a second mariadbd on 127.0.0.1:3307 (own datadir), a replica of the primary on 3306, which
# gets a binary log for it. The suite's replica routing tests read from it (apps/core/tests/test_replica.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
. docker/dev/lib.sh

DB_USER=${TRIMARKET_DB_USER:-trimarket}
DB_PASSWORD=${TRIMARKET_DB_PASSWORD:-trimarket-dev-pw}
wanted=${*:-mariadb redis}

mariadb_up() { mariadb-admin --protocol=tcp -h 127.0.0.1 -u"$DB_USER" -p"$DB_PASSWORD" ping >/dev/null 2>&1 ||
  $SUDO mariadb-admin ping >/dev/null 2>&1; }

if [[ " $wanted " == *" mariadb "* ]]; then
  apt_ensure mariadb-server mariadb-client
  if ! mariadb_up; then
    step "MariaDB 시작"
    $SUDO /etc/init.d/mariadb start >/dev/null
    wait_for MariaDB 60 $SUDO mariadb-admin ping
  fi
  if $SUDO mariadb -uroot -e 'SELECT 1' >/dev/null 2>&1; then
    # The grants cover the project's databases and the test databases pytest-django creates (test_trimarket*).
    $SUDO mariadb -uroot <<SQL
CREATE USER IF NOT EXISTS '${DB_USER}'@'localhost' IDENTIFIED BY '${DB_PASSWORD}';
CREATE USER IF NOT EXISTS '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
ALTER USER '${DB_USER}'@'localhost' IDENTIFIED BY '${DB_PASSWORD}';
ALTER USER '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`trimarket%\`.* TO '${DB_USER}'@'localhost', '${DB_USER}'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`test_trimarket%\`.* TO '${DB_USER}'@'localhost', '${DB_USER}'@'127.0.0.1';
CREATE DATABASE IF NOT EXISTS trimarket CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
FLUSH PRIVILEGES;
SQL
    # Django's date_hierarchy (admin) and __date lookups on DateTimeFields with USE_TZ need the time zone
    # tables; Debian's package leaves them empty (the official container image loads them).
    if [[ "$($SUDO mariadb -uroot -N -e 'SELECT COUNT(*) FROM mysql.time_zone_name')" == "0" ]]; then
      step "MariaDB 시간대 테이블"
      mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null | $SUDO mariadb -uroot mysql
    fi
  else
    note "MariaDB 가 이미 실행 중이며 root 소켓 접속이 안 됩니다: 사용자 '${DB_USER}' 는 있는 그대로 사용합니다."
  fi
  note "MariaDB: mysql://${DB_USER}:${DB_PASSWORD}@127.0.0.1:3306/trimarket"
fi

if [[ " $wanted " == *" mariadb-replica "* ]]; then
  bash docker/dev/replica.sh
fi

if [[ " $wanted " == *" redis "* ]]; then
  apt_ensure redis-server redis-tools
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    step "Redis 시작"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    wait_for Redis 20 redis-cli -h 127.0.0.1 -p 6379 ping
  fi
  note "Redis: redis://127.0.0.1:6379/0"
fi

#!/usr/bin/env bash
# A real MariaDB read replica on 127.0.0.1:3307 of the primary on 3306 (Debian's mariadbd, its own datadir).
# Run by `services.sh mariadb-replica` after the primary is up. A second run with replication running is a
# no-op; a stopped replica is started; a broken or missing one is re-seeded from a dump of the primary.
#   The primary gets a binary log (server-id 1): the first run restarts it once for that.
#   Only the project's databases replicate (trimarket*, test_trimarket*: the test databases pytest creates on
#   the primary appear on the replica by replication), so other schemas on the primary cannot stop it.
set -euo pipefail
cd "$(dirname "$0")/../.."
. docker/dev/lib.sh

DB_USER=${TRIMARKET_DB_USER:-trimarket}
DB_PASSWORD=${TRIMARKET_DB_PASSWORD:-trimarket-dev-pw}
PORT=${TRIMARKET_DB_REPLICA_PORT:-3307}
DATADIR=${TRIMARKET_DB_REPLICA_DATADIR:-/var/lib/mysql-replica}
CNF=/etc/mysql/trimarket-replica.cnf
SOCK=/run/mysqld/mysqld-replica.sock
PRIMARY_CNF=/etc/mysql/mariadb.conf.d/60-trimarket-binlog.cnf
REPL_USER=trimarket_repl

if ! $SUDO mariadb -uroot -e 'SELECT 1' >/dev/null 2>&1; then
  note "MariaDB root 소켓 접속이 안 되어 복제본(replica)을 만들지 않습니다: 복제본 테스트는 건너뜁니다."
  exit 0
fi
primary() { $SUDO mariadb -uroot -N "$@"; }
replica() { $SUDO mariadb -uroot -N --socket="$SOCK" "$@"; }

# --- The primary writes a binary log (a replica reads it) ---------------------------------------------------
if [[ "$(primary -e 'SELECT @@log_bin')" != "1" ]]; then
  step "MariaDB 주 서버에 바이너리 로그 켜기 (재시작 한 번)"
  $SUDO tee "$PRIMARY_CNF" >/dev/null <<CNF
# TriMarket's read replica (docker/dev/replica.sh) reads this binary log.
[mariadbd]
server-id = 1
log-bin = mariadb-bin
binlog-format = MIXED
expire-logs-days = 1
max-binlog-size = 100M
CNF
  $SUDO /etc/init.d/mariadb restart >/dev/null
  wait_for MariaDB 60 $SUDO mariadb-admin ping
fi
primary <<SQL
CREATE USER IF NOT EXISTS '${REPL_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
ALTER USER '${REPL_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
GRANT REPLICATION SLAVE ON *.* TO '${REPL_USER}'@'127.0.0.1';
SQL

# --- The replica's own server ---------------------------------------------------------------------------------
new_cnf=$(
  cat <<CNF
# TriMarket's read replica (docker/dev/replica.sh): a second mariadbd beside Debian's on 3306.
[mariadbd]
server-id = 2
port = ${PORT}
bind-address = 127.0.0.1
datadir = ${DATADIR}
socket = ${SOCK}
pid-file = /run/mysqld/mysqld-replica.pid
log-error = ${DATADIR}/replica.err
relay-log = replica-relay-bin
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
innodb-buffer-pool-size = 128M
# Only replication writes here: the application's user cannot (a read routed wrongly fails loudly).
read-only = 1
replicate-wild-do-table = trimarket%.%
replicate-wild-do-table = test\_trimarket%.%
# Test runs drop and re-create their databases while the replica may have missed one (made before it existed):
# a statement on a database or table the replica does not have is skipped instead of stopping replication.
slave-skip-errors = 1007,1008,1049,1050,1051,1146,1032
# It must keep up with every suite running on the primary at once: applied changes are not synced to disk
# one by one (its applied position commits with them, so after a crash it re-applies what it lost), and
# independent transactions apply in parallel.
innodb-flush-log-at-trx-commit = 0
innodb-doublewrite = 0
sync-binlog = 0
sync-relay-log = 0
sync-relay-log-info = 0
sync-master-info = 0
slave-parallel-threads = 4
slave-parallel-mode = optimistic
CNF
)
replica_up() { $SUDO mariadb-admin --socket="$SOCK" ping >/dev/null 2>&1; }
if [[ "$(cat "$CNF" 2>/dev/null)" != "$new_cnf" ]]; then
  echo "$new_cnf" | $SUDO tee "$CNF" >/dev/null
  if replica_up; then
    step "MariaDB 복제본 설정이 바뀌어 재시작"
    $SUDO mariadb-admin --socket="$SOCK" shutdown
  fi
fi

fresh=""
if ! replica_up; then
  $SUDO mkdir -p /run/mysqld "$DATADIR"
  $SUDO chown mysql:mysql /run/mysqld "$DATADIR"
  if [ ! -d "$DATADIR/mysql" ]; then
    step "MariaDB 복제본 데이터 디렉터리 (${DATADIR})"
    $SUDO mariadb-install-db --defaults-file="$CNF" --user=mysql --auth-root-authentication-method=socket \
      --skip-test-db >/dev/null
    fresh=1
  fi
  step "MariaDB 복제본 시작 (127.0.0.1:${PORT})"
  $SUDO setsid mariadbd --defaults-file="$CNF" --user=mysql </dev/null >/dev/null 2>&1 &
  wait_for "MariaDB replica" 60 replica_up
fi

if [ -n "$fresh" ] || [[ "$(replica -e 'SELECT COUNT(*) FROM mysql.time_zone_name')" == "0" ]]; then
  mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null | replica mysql
fi
# The application reads with its own user; SLAVE MONITOR lets it measure the lag (SHOW SLAVE STATUS).
replica <<SQL
CREATE USER IF NOT EXISTS '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
CREATE USER IF NOT EXISTS '${DB_USER}'@'localhost' IDENTIFIED BY '${DB_PASSWORD}';
ALTER USER '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
ALTER USER '${DB_USER}'@'localhost' IDENTIFIED BY '${DB_PASSWORD}';
GRANT SELECT, SHOW VIEW ON \`trimarket%\`.* TO '${DB_USER}'@'127.0.0.1', '${DB_USER}'@'localhost';
GRANT SELECT, SHOW VIEW ON \`test_trimarket%\`.* TO '${DB_USER}'@'127.0.0.1', '${DB_USER}'@'localhost';
GRANT SLAVE MONITOR ON *.* TO '${DB_USER}'@'127.0.0.1', '${DB_USER}'@'localhost';
SQL

# --- Replication -------------------------------------------------------------------------------------------
status() { $SUDO mariadb -uroot --socket="$SOCK" -e 'SHOW SLAVE STATUS\G' | sed -n "s/^ *$1: //p"; }
replicating() { [[ "$(status Slave_IO_Running)" == "Yes" && "$(status Slave_SQL_Running)" == "Yes" ]]; }
if replicating; then
  note "MariaDB 복제본: 127.0.0.1:${PORT} (복제 중, 지연 $(status Seconds_Behind_Master)초)"
  exit 0
fi
if [[ -n "$(status Master_Host)" && "$(status Last_SQL_Errno)" == "0" && "$(status Last_IO_Errno)" == "0" ]]; then
  # Configured and healthy, only stopped (a drill, a restart): carry on from where it was.
  replica -e 'START SLAVE'
else
  # New or broken: copy the project's databases as of one GTID position, then replicate from there.
  step "MariaDB 복제본: 주 서버의 데이터베이스 복사"
  replica -e 'STOP SLAVE; RESET SLAVE ALL' >/dev/null 2>&1 || true
  mapfile -t dbs < <(primary -e "SELECT schema_name FROM information_schema.schemata
    WHERE schema_name LIKE 'trimarket%' OR schema_name LIKE 'test\\_trimarket%'")
  for db in $(replica -e "SELECT schema_name FROM information_schema.schemata
    WHERE schema_name LIKE 'trimarket%' OR schema_name LIKE 'test\\_trimarket%'"); do
    replica -e "DROP DATABASE \`$db\`"
  done
  gtid=$(primary -e 'SELECT @@gtid_binlog_pos')
  if [ ${#dbs[@]} -gt 0 ]; then
    dump=$(mktemp)
    $SUDO mariadb-dump -uroot --single-transaction --gtid --master-data=2 --routines --triggers \
      --databases "${dbs[@]}" >"$dump"
    # The dump's own position (a comment in its head), so nothing written while it ran is lost or doubled.
    gtid=$(head -c 100000 "$dump" | sed -n "s/^-- SET GLOBAL gtid_slave_pos='\(.*\)';/\1/p" | head -1)
    replica <"$dump"
    rm -f "$dump"
  fi
  replica <<SQL
SET GLOBAL gtid_slave_pos = '${gtid}';
CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = 3306, MASTER_USER = '${REPL_USER}',
  MASTER_PASSWORD = '${DB_PASSWORD}', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1;
START SLAVE;
SQL
fi
wait_for "MariaDB replication" 30 replicating
note "MariaDB 복제본: mysql://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${PORT}/trimarket (DATABASE_REPLICA_URL)"

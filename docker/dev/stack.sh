#!/usr/bin/env bash
# The compose topology (compose.yaml) as real processes on one machine, each host in its own network namespace
# on a bridge, with the environment compose gives it. Debian's iproute2, nginx, nginx-rtmp, MariaDB and Redis;
# the app from the virtualenv. The drills of apps/core/tests/test_stack_drills.py run against it.
#   stack.sh up            build and start every host (a running stack is taken down first)
#   stack.sh down          stop every host and remove what up made: namespaces, veths, bridge, var/stack/
#   stack.sh status        each host's address, pid and whether it answers
#   stack.sh stop HOST     kill one host's processes (a drill); stack.sh start HOST starts it again
#   stack.sh cut HOST      take its link down (it keeps running, unreachable); stack.sh mend HOST brings it up
#   stack.sh run HOST CMD… run a command in the host's namespace with its environment (e.g. manage.py)
#   stack.sh rollout [VERSION [HOST…]]  a rolling deploy that drops nothing: web1 then web2 taken out of the gateway,
#                          drained, stopped gracefully, started as VERSION (TRIMARKET_VERSION), healthy, put back;
#                          then the worker (warm shutdown) and beat (its schedule saved on the way out)
# Hosts: gateway web1 web2 worker beat media mariadb mariadb-replica redis pg (the PG sandbox stands for
# PortOne, as `make run` without PortOne keys). STACK_SUBNET (a /24, default 10.77.0.0/24) picks the addresses.
set -euo pipefail
cd "$(dirname "$0")/../.."
. docker/dev/lib.sh

ROOT=$(pwd)
SUBNET=${STACK_SUBNET:-10.77.0.0/24}
NET=${SUBNET%.*}
PREFIX=${STACK_NAME:-tmstack}
BRIDGE=${PREFIX}0
VETH=${STACK_VETH:-tms}
DIR=${STACK_DIR:-$ROOT/var/stack}
RUN=$DIR/run
LOG=$DIR/log
PY=$ROOT/.venv/bin
DB_PASSWORD=stack-db-pw
# A job whose worker died goes back to the queue after this long (production: an hour). Short, so the
# worker-kill drill sees the job done again within the suite's time.
VISIBILITY_TIMEOUT=${STACK_CELERY_VISIBILITY_TIMEOUT:-8}
# How long uvicorn, told to stop, waits for its requests in flight (the k8s web Deployment's figure).
GRACEFUL_SECONDS=${STACK_GRACEFUL_SECONDS:-30}
# After the gateway took a web host out: time for the requests its old workers hold to reach the host.
DRAIN_SECONDS=${STACK_DRAIN_SECONDS:-1}

HOSTS=(mariadb mariadb-replica redis pg media web1 web2 worker beat gateway)
declare -A ADDRESS=(
  [gateway]=$NET.10 [web1]=$NET.11 [web2]=$NET.12 [worker]=$NET.13 [beat]=$NET.14 [media]=$NET.15
  [mariadb]=$NET.20 [mariadb-replica]=$NET.21 [redis]=$NET.22 [pg]=$NET.30
)
# The address in the root namespace: where the drills' clients stand, as the TLS terminator in front would.
OUTSIDE=$NET.1

ns_of() { echo "$PREFIX-$1"; }
# Interface names are at most 15 characters.
veth_of() { echo "$VETH-${1:0:10}"; }

known_host() {
  [[ -n "${ADDRESS[$1]:-}" ]] || {
    echo "!! unknown host '$1' (${HOSTS[*]})" >&2
    exit 2
  }
}

# --- The environment compose gives the app's containers (compose.yaml, x-app) ---------------------------------
# Settings: `serving`, production's serving without what only a real shop has. `prod` refuses the PG sandbox
# (a shop that charges nobody), and rightly: the stack pays through it, as `make run` does without PortOne keys.
app_env() {
  local host=$1
  local metrics=9100
  [[ "$host" == beat || "$host" == media ]] && metrics=0
  cat <<ENV
DJANGO_SETTINGS_MODULE=trimarket.settings.serving
SECRET_KEY=$(cat "$RUN/secret")
DATABASE_URL=mysql://trimarket:$DB_PASSWORD@mariadb:3306/trimarket
DATABASE_REPLICA_URL=mysql://trimarket:$DB_PASSWORD@mariadb-replica:3306/trimarket
REDIS_URL=redis://redis:6379/0
ALLOWED_HOSTS=${ADDRESS[gateway]},nginx
SITE_URL=http://${ADDRESS[gateway]}
SECURE_SSL_REDIRECT=false
LIVE_CALLBACK_BASE_URL=http://nginx
RTMP_INGEST_URL=rtmp://${ADDRESS[media]}:1935/live
HLS_BASE_URL=http://${ADDRESS[gateway]}/hls
LIVE_MEDIA_SERVER_INTERNAL_URL=http://media:8080
LIVE_STAT_ALLOWED_NETWORKS=$SUBNET
LIVE_MEDIA_SERVER_DIR=$DIR/media-server
MEDIA_ROOT=$DIR/media
REPORTS_ARCHIVE_DIR=$DIR/archive
METRICS_PORT=$metrics
PORTONE_API_URL=http://${ADDRESS[pg]}:8090/
PORTONE_WEBHOOK_ALLOWED_IPS=${ADDRESS[pg]}
CELERY_VISIBILITY_TIMEOUT=$VISIBILITY_TIMEOUT
CELERY_UNACKED_RESTORE_INTERVAL=1
CELERY_UNACKED_RESTORE_THROTTLE=1
TRIMARKET_VERSION=$(cat "$RUN/$host.version" 2>/dev/null || git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo dev)
ENV
  [[ "$host" == media ]] && echo "LIVE_MEDIA_SERVER_HOST=0.0.0.0"
  return 0
}

# in_ns HOST CMD…: run in the host's namespace (its /etc/hosts names the others) with its environment only.
in_ns() {
  local host=$1
  shift
  local vars=(PATH="$PY:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" HOME=/root LANG=C.UTF-8
    PYTHONUNBUFFERED=1)
  mapfile -t -O ${#vars[@]} vars < <(app_env "$host")
  ip netns exec "$(ns_of "$host")" env -i "${vars[@]}" "$@"
}

# launch HOST CMD…: start the host's process in the background, its own session, its log under var/stack/log.
launch() {
  local host=$1
  shift
  # From a subshell, so it is no job of this shell (wait_all waits for jobs).
  (
    in_ns "$host" setsid "$@" </dev/null >>"$LOG/$host.log" 2>&1 &
    echo $! >"$RUN/$host.pid"
  )
}

# --- Network ---------------------------------------------------------------------------------------------------
net_up() {
  ip link add "$BRIDGE" type bridge
  ip addr add "$OUTSIDE/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local hosts_file
  hosts_file=$(
    echo "127.0.0.1 localhost"
    for host in "${HOSTS[@]}"; do
      if [[ "$host" == gateway ]]; then echo "${ADDRESS[$host]} gateway nginx"; else echo "${ADDRESS[$host]} $host"; fi
    done
  )
  for host in "${HOSTS[@]}"; do
    local ns veth
    ns=$(ns_of "$host")
    veth=$(veth_of "$host")
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$BRIDGE" up
    ip -n "$ns" addr add "${ADDRESS[$host]}/24" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    # `ip netns exec` mounts these over /etc: compose's service names resolve as its DNS would.
    mkdir -p "/etc/netns/$ns"
    echo "$hosts_file" >"/etc/netns/$ns/hosts"
  done
}

# --- Hosts -----------------------------------------------------------------------------------------------------
mariadb_start() {
  local host=$1 id=1 extra=(--log-bin=mariadb-bin --binlog-format=MIXED)
  if [[ "$host" == mariadb-replica ]]; then
    id=2
    # Only replication writes here: the application's user cannot.
    extra=(--read-only=1 --relay-log=replica-relay-bin)
  fi
  local data=$DIR/$host
  # Each server its own temporary directory: the primary's and the replica's first boots run together, and in
  # a shared /tmp their bootstraps' temporary tables collide now and then ("Error on delete of
  # '/tmp/#sql-temptable-…'": installation failed).
  local tmp=$DIR/$host-tmp
  mkdir -p "$tmp"
  if [[ ! -d "$data/mysql" ]]; then
    mkdir -p "$data"
    mariadb-install-db --no-defaults --datadir="$data" --tmpdir="$tmp" --user=root \
      --auth-root-authentication-method=socket --skip-test-db >>"$LOG/$host.log" 2>&1
  fi
  launch "$host" mariadbd --no-defaults --user=root --datadir="$data" --tmpdir="$tmp" --socket="$RUN/$host.sock" \
    --pid-file="$RUN/$host.mariadb.pid" --port=3306 --bind-address=0.0.0.0 --skip-name-resolve \
    --server-id=$id --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --transaction-isolation=READ-COMMITTED --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0 \
    --sync-binlog=0 --innodb-doublewrite=0 "${extra[@]}"
  wait_for "$host" 60 mariadb-admin --no-defaults --socket="$RUN/$host.sock" ping
}

sql() {
  local host=$1
  shift
  mariadb --no-defaults -uroot --socket="$RUN/$host.sock" "$@"
}

mariadb_first_boot() {
  # The replica follows the primary from its first transaction: users, time zones and the schema all replicate.
  sql mariadb-replica <<SQL
SET GLOBAL gtid_slave_pos = '';
CHANGE MASTER TO MASTER_HOST = 'mariadb', MASTER_PORT = 3306, MASTER_USER = 'replication',
  MASTER_PASSWORD = '$DB_PASSWORD', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1;
START SLAVE;
SQL
  sql mariadb <<SQL
CREATE USER 'replication'@'%' IDENTIFIED BY '$DB_PASSWORD';
GRANT REPLICATION SLAVE ON *.* TO 'replication'@'%';
CREATE USER 'trimarket'@'%' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON \`trimarket\`.* TO 'trimarket'@'%';
GRANT SLAVE MONITOR ON *.* TO 'trimarket'@'%';
CREATE DATABASE trimarket CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
SQL
  mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null | sql mariadb mysql
}

replicating() {
  local status
  status=$(sql mariadb-replica -e 'SHOW SLAVE STATUS\G')
  grep -q 'Slave_IO_Running: Yes' <<<"$status" && grep -q 'Slave_SQL_Running: Yes' <<<"$status"
}

gateway_render() {
  # Hosts named in $RUN/out-of-rotation get no new requests or sockets (`down`): a rollout's host being replaced.
  local out=()
  [[ -f "$RUN/out-of-rotation" ]] && mapfile -t out <"$RUN/out-of-rotation"
  local drop=() host
  for host in "${out[@]}"; do drop+=(-e "s|^\(\s*server $host:8000\) |\1 down |"); done
  # As the gateway image does: nginx's entrypoint substitutes ${TLS_TERMINATOR_ADDRESS}; the image's paths
  # (/srv/static from the build, /srv/media the `media` volume) are this machine's directories.
  TLS_TERMINATOR_ADDRESS=$OUTSIDE envsubst '${TLS_TERMINATOR_ADDRESS}' <docker/nginx/nginx.conf |
    sed -e "s|^pid /tmp/nginx.pid;|pid $RUN/gateway.nginx.pid;|" \
      -e "s|alias /srv/static/;|alias $ROOT/var/staticfiles/;|" \
      -e "s|alias /srv/media/;|alias $DIR/media/;|" "${drop[@]}" >"$RUN/gateway.conf"
}

host_start() {
  local host=$1
  case $host in
    mariadb | mariadb-replica) mariadb_start "$host" ;;
    redis)
      mkdir -p "$DIR/redis"
      launch redis redis-server --bind 0.0.0.0 --port 6379 --protected-mode no --appendonly yes \
        --save "" --dir "$DIR/redis"
      wait_for redis 20 redis-cli -h "${ADDRESS[redis]}" ping
      ;;
    pg)
      launch pg "$PY/python" -m apps.payments.sandbox --host 0.0.0.0 --port 8090 --state-file "$DIR/pg.json"
      wait_for "PG sandbox" 30 curl -fsS -o /dev/null "http://${ADDRESS[pg]}:8090/sandbox/iamport.js"
      ;;
    media)
      launch media "$PY/python" manage.py media_server
      ;;
    web1 | web2)
      launch "$host" "$PY/uvicorn" trimarket.asgi:application --host 0.0.0.0 --port 8000 --proxy-headers \
        --forwarded-allow-ips "${ADDRESS[gateway]}" --ws websockets-sansio --lifespan off \
        --timeout-graceful-shutdown "$GRACEFUL_SECONDS"
      ;;
    worker)
      launch worker "$PY/celery" -A trimarket worker --loglevel=INFO --pool=threads --concurrency=8 -n worker@worker
      ;;
    beat)
      launch beat "$PY/celery" -A trimarket beat --loglevel=INFO --pidfile= -s "$DIR/celerybeat-schedule"
      ;;
    gateway)
      gateway_render
      launch gateway nginx -c "$RUN/gateway.conf" -g "daemon off;"
      ;;
  esac
}

# Whether the host answers (its health check, as compose's healthcheck for it).
host_healthy() {
  local host=$1 a=${ADDRESS[$1]}
  case $host in
    mariadb | mariadb-replica) mariadb-admin --no-defaults --socket="$RUN/$host.sock" ping ;;
    redis) redis-cli -h "$a" ping | grep -q PONG ;;
    pg) curl -fsS -o /dev/null "http://$a:8090/sandbox/iamport.js" ;;
    media) curl -fsS -o /dev/null "http://$a:8080/healthz" ;;
    web1 | web2) curl -fsS -o /dev/null -H "Host: ${ADDRESS[gateway]}" "http://$a:8000/healthz" ;;
    worker) in_ns worker "$PY/celery" -A trimarket inspect ping -d worker@worker --timeout 5 | grep -q pong ;;
    beat) kill -0 "$(cat "$RUN/beat.pid")" ;;
    gateway) curl -fsS -o /dev/null "http://$a/gateway-health" ;;
  esac
}

host_stop() {
  local host=$1 ns pid
  ns=$(ns_of "$host")
  pid=$(cat "$RUN/$host.pid" 2>/dev/null || true)
  if [[ -n "$pid" ]]; then
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$RUN/$host.pid"
  fi
  # Anything else still in its namespace (a child that left the session) goes too.
  if ip netns list | grep -qw "$ns"; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      mapfile -t pids < <(ip netns pids "$ns")
      [[ ${#pids[@]} -eq 0 ]] && break
      kill -KILL "${pids[@]}" 2>/dev/null || true
      sleep 0.2
    done
  fi
  rm -f "$RUN/$host.sock"
}

# host_stop_gracefully HOST: SIGTERM, as compose/k8s stop a container: uvicorn finishes its requests in flight
# and closes its WebSockets (1012, service restart); Celery's worker finishes its running jobs (warm shutdown);
# beat saves its schedule's last runs. Killed only if still there past the grace.
host_stop_gracefully() {
  local host=$1 ns pids
  ns=$(ns_of "$host")
  # The pid file names the launching shell; the host's own processes are the ones in its namespace.
  mapfile -t pids < <(ip netns pids "$ns")
  if [[ ${#pids[@]} -gt 0 ]] && kill -TERM "${pids[@]}" 2>/dev/null; then
    for _ in $(seq 1 "$(((GRACEFUL_SECONDS + 10) * 5))"); do
      [[ -z "$(ip netns pids "$ns")" ]] && break
      sleep 0.2
    done
  fi
  host_stop "$host"
}

gateway_workers() { pgrep -P "$(cat "$RUN/gateway.nginx.pid")" | sort; }
gateway_reloaded() { comm -13 <(echo "$1") <(gateway_workers) | grep -q .; }

# The gateway's config rendered again and taken by nginx; returns once new workers serve it. The old workers
# finish the requests they hold and exit (a WebSocket they carry stays until its web host closes it).
gateway_reload() {
  local before
  before=$(gateway_workers)
  gateway_render
  ip netns exec "$(ns_of gateway)" nginx -c "$RUN/gateway.conf" -s reload
  wait_for "gateway reload" 30 gateway_reloaded "$before"
}

# A rolling deploy of VERSION: the schema first (the release's migrations are expand-only, so the code still
# serving works with it: docs/deployment.md), then one web host at a time, out of the gateway's rotation
# before it stops and back only once its /healthz answers; then the worker and beat.
rollout() {
  local version=${1:-$(git rev-parse --short HEAD)-$(date +%s)} started=$SECONDS host
  shift || true
  local hosts=(web1 web2 worker beat)
  [[ $# -eq 0 ]] || hosts=("$@")
  if [[ " ${hosts[*]} " == *" web"* ]]; then
    step "마이그레이션 ($version)"
    if ! in_ns web1 env METRICS_PORT=0 "$PY/python" manage.py migrate --noinput >>"$LOG/migrate.log" 2>&1; then
      tail -20 "$LOG/migrate.log" >&2
      exit 1
    fi
  fi
  for host in "${hosts[@]}"; do
    case $host in
      web1 | web2)
        step "$host: 게이트웨이에서 빼고, 요청을 마치게 하고, $version 으로 교체 ($((SECONDS - started))s)"
        echo "$host" >"$RUN/out-of-rotation"
        gateway_reload
        sleep "$DRAIN_SECONDS"
        host_stop_gracefully "$host"
        echo "$version" >"$RUN/$host.version"
        host_start "$host"
        wait_for "$host" 180 host_healthy "$host"
        rm -f "$RUN/out-of-rotation"
        gateway_reload
        ;;
      worker | beat)
        step "$host: 하던 일을 마치고 내려가 $version 으로 교체 ($((SECONDS - started))s)"
        host_stop_gracefully "$host"
        echo "$version" >"$RUN/$host.version"
        host_start "$host"
        ;;
      *)
        echo "!! rollout replaces web1 web2 worker beat, not '$host'" >&2
        exit 2
        ;;
    esac
  done
  if [[ " ${hosts[*]} " == *" worker "* ]]; then wait_for worker 180 host_healthy worker; fi
  note "배포를 마쳤습니다: $version, ${hosts[*]} ($((SECONDS - started))s)"
}

up() {
  apt_ensure iproute2 mariadb-server mariadb-client redis-server redis-tools nginx libnginx-mod-rtmp curl gettext-base
  down quiet
  mkdir -p "$RUN" "$LOG" "$DIR/media" "$DIR/archive" "$DIR/media-server"
  head -c 48 /dev/urandom | base64 | tr -d '/+=' >"$RUN/secret"
  step "네트워크: 브리지 $BRIDGE ($OUTSIDE/24), 호스트마다 네임스페이스 하나"
  net_up
  step "MariaDB 주 서버·복제본, Redis, PG 샌드박스"
  # Independent of each other: started together, each waited for.
  host_start mariadb &
  host_start mariadb-replica &
  host_start redis &
  host_start pg &
  wait_all
  mariadb_first_boot
  step "마이그레이션 (compose의 migrate), 정적 파일; media, worker, web1, web2 시작"
  host_start media
  host_start worker
  # web1 and web2 load meanwhile; no request reaches them before the gateway starts, after the migration.
  host_start web1
  host_start web2
  # The gateway image carries the collected files (hashed names, the manifest the serving settings read).
  if [[ ! -f var/staticfiles/staticfiles.json ]] ||
    [[ -n "$(find static templates -newer var/staticfiles/staticfiles.json -print -quit)" ]]; then
    in_ns web1 "$PY/python" manage.py collectstatic --noinput >>"$LOG/collectstatic.log" 2>&1 &
  fi
  if ! in_ns web1 "$PY/python" manage.py migrate --noinput >>"$LOG/migrate.log" 2>&1; then
    tail -20 "$LOG/migrate.log" >&2
    exit 1
  fi
  wait_all
  chmod -R a+rX var/staticfiles "$DIR/media"
  step "beat, gateway ($((SECONDS))s)"
  for host in beat gateway; do host_start "$host"; done
  for host in web1 web2 media gateway; do wait_for "$host" 120 host_healthy "$host"; done
  wait_for "replication" 60 replicating
  note "스택이 떴습니다 (${SECONDS}s): http://${ADDRESS[gateway]}/"
  status
}

# Wait for every background job of this shell; fail if any failed.
wait_all() {
  local failed=0
  for job in $(jobs -p); do wait "$job" || failed=1; done
  [[ $failed -eq 0 ]] || {
    echo "!! 스택의 호스트가 뜨지 않았습니다: $LOG" >&2
    exit 1
  }
}

down() {
  local quiet=${1:-}
  for host in "${HOSTS[@]}"; do
    # MariaDB and Redis are killed too: the stack's data is thrown away with var/stack.
    host_stop "$host"
    ip netns del "$(ns_of "$host")" 2>/dev/null || true
    rm -rf "/etc/netns/$(ns_of "$host")"
    ip link del "$(veth_of "$host")" 2>/dev/null || true
  done
  rmdir /etc/netns 2>/dev/null || true
  ip link del "$BRIDGE" 2>/dev/null || true
  rm -rf "$DIR"
  [[ -n "$quiet" ]] || note "스택을 내렸습니다 (네임스페이스·veth·브리지·프로세스·var/stack 없음)"
}

status() {
  printf '    %-16s %-12s %-8s %s\n' host address pid state
  for host in "${HOSTS[@]}"; do
    local pid state=down
    pid=$(cat "$RUN/$host.pid" 2>/dev/null || echo -)
    if [[ "$pid" != - ]] && kill -0 "$pid" 2>/dev/null; then
      state=running
      host_healthy "$host" >/dev/null 2>&1 && state=healthy
    fi
    printf '    %-16s %-12s %-8s %s\n' "$host" "${ADDRESS[$host]}" "$pid" "$state"
  done
}

command=${1:-status}
shift || true
case $command in
  up) up ;;
  down) down ;;
  status) status ;;
  stop)
    known_host "$1"
    host_stop "$1"
    ;;
  start)
    known_host "$1"
    host_start "$1"
    ;;
  cut)
    known_host "$1"
    ip -n "$(ns_of "$1")" link set eth0 down
    ;;
  mend)
    known_host "$1"
    ip -n "$(ns_of "$1")" link set eth0 up
    ;;
  rollout) rollout "$@" ;;
  run)
    known_host "$1"
    host=$1
    shift
    # Its metrics port is the host's own process's.
    in_ns "$host" env METRICS_PORT=0 "$@"
    ;;
  *)
    echo "usage: stack.sh up|down|status|stop HOST|start HOST|cut HOST|mend HOST|run HOST CMD…|rollout [VERSION]" >&2
    exit 2
    ;;
esac

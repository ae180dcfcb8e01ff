# TriMarket: `make run` serves the whole site with demo data, `make test` runs every test.
# Both do their own set-up on a fresh machine (Debian packages, virtualenv, npm, services, migrations).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export PYTHONUNBUFFERED := 1

.PHONY: run test setup services lint format migrate demo bench clean

setup:
	@bash docker/dev/bootstrap.sh

# Embedded defaults (SQLite, in-process cache / channel layer / tasks) unless DATABASE_URL or REDIS_URL is set;
# with REDIS_URL a Celery worker and beat run beside the web process, and without PORTONE_IMP_KEY the PG
# sandbox (`pg`, port 8090) takes the payments. The media server (`media`) and a demo broadcast that is
# really live (`demo-stream`) always run. Ctrl-C stops all of them.
run: setup
	@if [[ "$${DATABASE_URL:-}" == mysql* ]]; then bash docker/dev/services.sh mariadb; fi
	@if [[ "$${DATABASE_REPLICA_URL:-}" == mysql* ]]; then bash docker/dev/services.sh mariadb-replica; fi
	@if [[ -n "$${REDIS_URL:-}" ]]; then bash docker/dev/services.sh redis; fi
	@$(MANAGE) database_ensure
	@echo "==> 마이그레이션"; $(MANAGE) migrate --noinput
	@echo "==> 데모 데이터"; $(MANAGE) demo --banner
	@echo "==> 사진 변환 (WebP/AVIF, 없는 것만)"; $(MANAGE) image_renditions && $(MANAGE) cover_renditions
	@# The media server (nginx-rtmp: RTMP 1935, HLS 8080) and the demo broadcast's ffmpeg test pattern.
	@bash -c '. docker/dev/lib.sh && apt_ensure nginx libnginx-mod-rtmp ffmpeg'
	@procs="web media demo-stream"; \
	if [[ -z "$${PORTONE_IMP_KEY:-}" ]]; then procs="$$procs pg"; fi; \
	if [[ -z "$${DELIVERY_TRACKER_CLIENT_ID:-}" ]]; then procs="$$procs tracker"; fi; \
	if [[ -n "$${REDIS_URL:-}" ]]; then procs="$$procs worker beat"; fi; \
	exec $(VENV)/bin/honcho -f docker/dev/Procfile -d . start $$procs

# ruff, then the whole pytest suite against the real MariaDB and Redis on 127.0.0.1 and Debian's Chromium.
test: setup
	@bash docker/dev/services.sh mariadb mariadb-replica redis
	@bash -c '. docker/dev/lib.sh && apt_ensure chromium'
	@# The live tests start their own nginx-rtmp and ffmpeg publishers.
	@bash -c '. docker/dev/lib.sh && apt_ensure nginx libnginx-mod-rtmp ffmpeg'
	@# The stack validators of apps/reports/tests/test_stack.py: `docker-compose config` and `nginx -t`.
	@bash -c '. docker/dev/lib.sh && apt_ensure docker-compose nginx'
	@# The stack drills (apps/core/tests/test_stack_drills.py): docker/dev/stack.sh runs the compose topology in
	@# network namespaces with its own MariaDB, Redis and nginx (it also installs these itself when run alone).
	@bash -c '. docker/dev/lib.sh && apt_ensure iproute2 mariadb-server mariadb-client redis-server redis-tools nginx libnginx-mod-rtmp curl gettext-base'
	@echo "==> ruff"; $(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	@echo "==> pytest"; $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

migrate: setup
	$(MANAGE) migrate

demo: setup
	$(MANAGE) demo --banner
	$(MANAGE) image_renditions && $(MANAGE) cover_renditions

clean:
	rm -rf var/staticfiles var/screenshots .pytest_cache

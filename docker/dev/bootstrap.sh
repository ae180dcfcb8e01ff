#!/usr/bin/env bash
# The project's own set-up: build tools, the virtualenv and the front-end libraries. Idempotent and quick
# when nothing changed (stamps hold the hash of pyproject.toml and package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/../.."
. docker/dev/lib.sh

PYTHON=${PYTHON:-python3}
VENV=.venv

apt_ensure pkg-config libmariadb-dev
command -v gcc >/dev/null || apt_ensure build-essential
# This kind of machine ships its own Node.js; Debian's is the fallback where there is none.
command -v npm >/dev/null || apt_ensure nodejs npm

if ! "$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
  echo "!! TriMarket runs on Python 3.11 (Django 5.2 LTS); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
  step "가상환경 만들기 ($VENV)"
  "$PYTHON" -m venv "$VENV"
fi

py_hash=$(sha256sum pyproject.toml | cut -c1-16)
if [ "$(cat "$VENV/.pyproject-hash" 2>/dev/null)" != "$py_hash" ]; then
  step "Python 패키지 설치 (pyproject.toml)"
  "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/pip" install -q --disable-pip-version-check -e ".[dev]"
  # Packages whose own pins are outdated (iamport-rest-client: requests==2.26.0) come without dependencies.
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps \
    $("$VENV/bin/python" -c 'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["tool"]["trimarket"]["no-deps"]))')
  echo "$py_hash" > "$VENV/.pyproject-hash"
fi

# The stamp covers this script and the font cutter too, so a change to what is copied re-runs the copy.
js_hash=$(cat package-lock.json "$0" docker/font_subset.py docker/font_ui_syllables.txt | sha256sum | cut -c1-16)
if [ "$(cat node_modules/.lock-hash 2>/dev/null)" != "$js_hash" ] || [ ! -d static/vendor/htmx ]; then
  step "프런트엔드 라이브러리 설치 (npm ci → static/vendor/)"
  npm ci --no-audit --no-fund --loglevel=error
  rm -rf static/vendor
  mkdir -p static/vendor/htmx static/vendor/hls static/vendor/stomp static/vendor/chartjs static/vendor/pretendard
  cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
  # Source maps ship beside the bundles that name them: collectstatic's manifest storage follows the reference.
  # The light build (no subtitles, alternate audio or DRM, which no broadcast has), only on pages that play video.
  cp node_modules/hls.js/dist/hls.light.min.js node_modules/hls.js/dist/hls.light.min.js.map static/vendor/hls/
  cp node_modules/@stomp/stompjs/bundles/stomp.umd.min.js static/vendor/stomp/
  cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map static/vendor/chartjs/
  step "Pretendard 웹폰트 만들기 (사이트 글자 / KS X 1001 / 나머지, 굵기 400–800)"
  "$VENV/bin/python" docker/font_subset.py node_modules/pretendard/dist/web/variable/woff2/PretendardVariable.woff2 \
    static/vendor/pretendard
  echo "$js_hash" > node_modules/.lock-hash
fi
mkdir -p var/staticfiles var/media var/sessions

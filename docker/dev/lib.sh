# Shared helpers of the developer set-up scripts (sourced, not run).
# shellcheck shell=bash

step() { printf '\033[1;35m==>\033[0m %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_UPDATED=""
# Install the Debian packages that are missing; nothing when all are there, so a second run is instant.
apt_ensure() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "Debian 패키지 설치: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# wait_for "what" seconds command...: poll until the command succeeds.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq 1 "$((seconds * 4))"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  echo "!! $what did not come up within ${seconds}s" >&2
  return 1
}

# Sourced by scripts/test, scripts/lab and scripts/bench: installs what is missing, and only that.
# shellcheck shell=bash

HV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

hv_log() { printf '[hvnet] %s\n' "$*" >&2; }

# Packages of a list (default scripts/packages.txt) that dpkg does not report as installed.
hv_missing_packages() {
  local pkg status list=${1:-$HV_ROOT/scripts/packages.txt}
  while read -r pkg; do
    pkg=${pkg%%#*}
    pkg=${pkg//[[:space:]]/}
    [ -n "$pkg" ] || continue
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || printf '%s\n' "$pkg"
  done <"$list"
}

hv_ensure_packages() {
  local missing list=${1:-$HV_ROOT/scripts/packages.txt}
  missing=$(hv_missing_packages "$list" | tr '\n' ' ')
  if [ -z "${missing// /}" ]; then
    hv_log "packages: all present"
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    hv_log "packages missing: $missing"
    hv_log "run as root (the tests start OVN and libvirtd and make network namespaces)"
    return 1
  fi
  hv_log "installing: $missing"
  # On a host with systemd, installing these would start the system's own ovsdb-server, northd and
  # libvirtd, which hold the default paths. The project only needs the binaries, so the install is
  # told not to start services, unless the machine already has a policy of its own.
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  # shellcheck disable=SC2086
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing; } \
    >"${TMPDIR:-/tmp}/hvnet-apt.log" 2>&1 || rc=$?
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ "$rc" != 0 ]; then
    tail -n 30 "${TMPDIR:-/tmp}/hvnet-apt.log" >&2
    hv_log "apt-get failed (exit $rc); full log in ${TMPDIR:-/tmp}/hvnet-apt.log"
    return 1
  fi
  missing=$(hv_missing_packages "$list" | tr '\n' ' ')
  if [ -n "${missing// /}" ]; then
    hv_log "still missing after install: $missing"
    return 1
  fi
}

# What only the tests need (scripts/packages-test.txt, e.g. the browser the controller page is
# tested in): scripts/test installs it, scripts/lab up does not.
hv_ensure_test_packages() {
  hv_ensure_packages "$HV_ROOT/scripts/packages-test.txt"
}

# npm ci only when node_modules does not match package-lock.json.
hv_ensure_node_modules() {
  local want have stamp="$HV_ROOT/node_modules/.hvnet-lock.sha256"
  want=$(sha256sum "$HV_ROOT/package-lock.json" | cut -d' ' -f1)
  have=$(cat "$stamp" 2>/dev/null || true)
  if [ "$want" = "$have" ] && [ -d "$HV_ROOT/node_modules" ]; then
    hv_log "node_modules: up to date"
    return 0
  fi
  hv_log "npm ci"
  (cd "$HV_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  printf '%s\n' "$want" >"$stamp"
}

# Incremental, yet every source gets its compiled file: sync-dist.mjs drops what tsc would
# otherwise wrongly believe up to date.
hv_build() {
  (cd "$HV_ROOT" && node scripts/lib/sync-dist.mjs && npm run --silent build)
}

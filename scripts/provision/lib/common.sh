# Sourced by scripts/provision/hypervisor.sh and control.sh: argument checks, the staging tree,
# the package set of a role, and the actions that only make sense on a live machine.
# shellcheck shell=bash
#
# Every file is first written into a private staging directory, checked there (the hvnet config
# with the daemon's own checker), and only then copied into --root. So a refused argument or a
# config the daemon would refuse leaves --root untouched.

PV_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
PV_ROOT=/
PV_APP=$PV_REPO
PV_STAGE=

pv_die() {  # pv_die MESSAGE: a refused argument (exit 2), nothing written
  printf '%s: %s\n' "$PV_NAME" "$*" >&2
  exit 2
}

pv_fail() {  # pv_fail MESSAGE: a step failed (exit 1)
  printf '%s: %s\n' "$PV_NAME" "$*" >&2
  exit 1
}

pv_log() { printf '[%s] %s\n' "$PV_NAME" "$*" >&2; }

pv_need_value() {  # pv_need_value FLAG ARGC: the flag takes a value
  [ "$2" -ge 2 ] || pv_die "$1 needs a value"
}

# Value checks: each names the flag and what is allowed. Values end up in YAML, systemd
# environment files and shell wrappers, so the patterns leave out quotes, backslashes, spaces
# and newlines entirely rather than escaping them.
pv_check_root() {
  case "$1" in /*) ;; *) pv_die "--root '$1': expected an absolute path to an existing directory" ;; esac
  [ -d "$1" ] || pv_die "--root '$1': expected an absolute path to an existing directory"
}

pv_check_app() {
  [[ $1 =~ ^/[A-Za-z0-9._/+-]*$ ]] || pv_die "--app '$1': expected an absolute path of letters, digits and . _ / + -"
}

pv_check_host_id() {
  [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]] ||
    pv_die "--host-id '$1': expected 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit"
}

PV_IPV4='(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}'
PV_IPV6='\[[0-9A-Fa-f:.]+\]'
PV_PORT='([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])'

pv_check_ip() {  # pv_check_ip FLAG VALUE: a bare IPv4 or IPv6 address
  [[ $2 =~ ^${PV_IPV4}$ || ( $2 =~ ^[0-9A-Fa-f:.]+$ && $2 == *:* ) ]] ||
    pv_die "$1 '$2': expected an IPv4 or IPv6 address"
}

pv_check_remotes() {  # pv_check_remotes FLAG VALUE: OVN remotes, comma-separated
  local one="(unix:/[A-Za-z0-9._/+-]+|tcp:(${PV_IPV4}|${PV_IPV6}):${PV_PORT})"
  [[ $2 =~ ^${one}(,${one})*$ ]] ||
    pv_die "$1 '$2': expected comma-separated unix:/PATH or tcp:IP:PORT (IPv6 as tcp:[ADDR]:PORT; ssl: needs key files these scripts do not install)"
}

pv_check_url() {
  local re='^https?://[]A-Za-z0-9.:[-]+(/[A-Za-z0-9._~/-]*)?$'
  [[ $1 =~ $re ]] ||
    pv_die "--controller '$1': expected http://HOST[:PORT][/PATH] or https://..."
}

pv_check_readable_file() {  # pv_check_readable_file FLAG PATH: an existing, non-empty file
  [ -f "$2" ] && [ -r "$2" ] && [ -s "$2" ] || pv_die "$1 '$2': expected a readable, non-empty file"
}

pv_check_abs_path() {  # pv_check_abs_path FLAG VALUE
  [[ $2 =~ ^/[A-Za-z0-9._/+-]*$ ]] || pv_die "$1 '$2': expected an absolute path of letters, digits and . _ / + -"
}

pv_check_int() {  # pv_check_int FLAG VALUE MIN MAX
  [[ $2 =~ ^[0-9]{1,6}$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || pv_die "$1 '$2': expected an integer from $3 to $4"
}

pv_check_network() {
  [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}(/[A-Za-z0-9][A-Za-z0-9._-]{0,62})?$ ]] ||
    pv_die "--required-network '$1': expected [PROJECT/]NETWORK, each 1 to 63 of A-Z a-z 0-9 . _ - starting with a letter or digit"
}

pv_check_libvirt_uri() {
  [[ $1 =~ ^[a-z][a-z0-9+]*://[A-Za-z0-9._@:/+-]*(\?[A-Za-z0-9._@:/+=\&-]*)?$ ]] ||
    pv_die "--libvirt-uri '$1': expected a libvirt URI such as qemu:///system or qemu+unix:///system?socket=/PATH"
}

# The packages of scripts/packages.txt that a role installs: the whole list, less what the role
# does not run (a hypervisor runs no NB/SB/northd, the control node no chassis and no libvirt).
# The list stays the one in scripts/packages.txt; only exclusions live here.
pv_role_packages() {  # pv_role_packages control|hypervisor|hypervisor-no-libvirt
  local role=$1 pkg
  while read -r pkg; do
    pkg=${pkg%%#*}
    pkg=${pkg//[[:space:]]/}
    [ -n "$pkg" ] || continue
    case "$role:$pkg" in
      hypervisor*:ovn-central | hypervisor*:ovn-ic | hypervisor*:ovn-ic-db) continue ;;
      hypervisor-no-libvirt:libvirt-* | hypervisor-no-libvirt:qemu-* | hypervisor-no-libvirt:python3-libvirt) continue ;;
      control:ovn-host | control:libvirt-* | control:qemu-* | control:python3-libvirt) continue ;;
    esac
    printf '%s\n' "$pkg"
  done <"$PV_REPO/scripts/packages.txt"
}

pv_live() { [ "$PV_ROOT" = / ]; }

# pv_run_live CMD...: runs CMD on a live machine (--root /); under another root it only says
# what it would have run, so a test tree gets files and never a package or a service.
pv_run_live() {
  if pv_live; then
    "$@"
  else
    printf 'skipped (--root %s):' "$PV_ROOT"
    printf ' %q' "$@"
    printf '\n'
  fi
}

pv_node_ok() { command -v node >/dev/null && node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; }

pv_apt_install() {  # pv_apt_install PKG...: what is missing, with Node 20 from the distribution
  local pkgs=("$@")
  pv_node_ok || pkgs+=(nodejs npm)
  DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" || return 1
  pv_node_ok || pv_fail "Node.js 20 or newer is needed and this distribution's nodejs is older ($(node --version 2>/dev/null || echo none)): use a box whose release ships Node 20 (Debian 13 does), see docs/vagrant.md"
}

pv_install_packages() {  # pv_install_packages ROLE
  local pkgs=()
  mapfile -t pkgs < <(pv_role_packages "$1")
  if pv_live; then
    pv_log "packages: ${pkgs[*]}"
    pv_apt_install "${pkgs[@]}" || pv_fail "apt-get failed"
  else
    printf 'skipped (--root %s): apt-get install %s (and nodejs npm when node is older than 20)\n' "$PV_ROOT" "${pkgs[*]}"
  fi
}

pv_build_app() {  # npm ci and the build, in the hvnet tree at --app
  (cd "$PV_APP" && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build) || pv_fail "building hvnet in $PV_APP failed"
}

pv_check_app_built() {
  [ -f "$PV_APP/dist/agent/bin/hvnetd.js" ] && [ -f "$PV_APP/dist/agent/hvnet-cli.cjs" ] ||
    pv_fail "--app $PV_APP: no built hvnet there (dist/agent/bin/hvnetd.js); run npm ci && npm run build in it, or pass --build"
}

pv_stage_begin() {
  PV_STAGE=$(mktemp -d "${TMPDIR:-/tmp}/hvnet-provision.XXXXXX")
  trap 'rm -rf "$PV_STAGE"' EXIT
}

# A wrapper in /usr/bin that runs one of hvnet's entry points with the distribution's node; exec
# keeps the PID, so systemd's notify and watchdog see the daemon itself.
pv_stage_wrapper() {  # pv_stage_wrapper NAME RELATIVE_SCRIPT
  local file=$PV_STAGE/usr/bin/$1
  mkdir -p "$PV_STAGE/usr/bin"
  printf "#!/bin/sh\n# Installed by scripts/provision: %s from the hvnet tree at %s.\nexec /usr/bin/node '%s/%s' \"\$@\"\n" \
    "$1" "$PV_APP" "$PV_APP" "$2" >"$file"
  chmod 0755 "$file"
}

pv_stage_file() {  # pv_stage_file MODE SOURCE DEST: copies SOURCE to DEST inside the staging tree
  install -D -m "$1" "$2" "$PV_STAGE$3"
}

# Checks the staged config exactly as hvnetd would read it.
pv_check_config() {  # pv_check_config DEST
  node "$PV_APP/dist/agent/hvnet-cli.cjs" config check "$PV_STAGE$1" --format json >/dev/null ||
    pv_fail "the written configuration $1 does not pass 'hvnet config check' (see above)"
}

# Copies the staged tree into --root; directories it creates get 0755, files keep their modes.
pv_stage_commit() {
  local d f
  while read -r d; do
    [ -d "$PV_ROOT/$d" ] || install -d -m 0755 "$PV_ROOT/$d"
  done < <(cd "$PV_STAGE" && find . -mindepth 1 -type d -printf '%P\n' | sort)
  while read -r f; do
    cp -p "$PV_STAGE/$f" "$PV_ROOT/$f"
    printf 'installed /%s\n' "$f"
  done < <(cd "$PV_STAGE" && find . -mindepth 1 ! -type d -printf '%P\n' | sort)
}

# Enables a unit the offline way (symlinks under --root), which works with or without a running
# systemd; on a live machine the service is then (re)started.
pv_enable_unit() {  # pv_enable_unit UNIT
  systemctl --root="$PV_ROOT" --quiet enable "$1" || pv_fail "systemctl --root=$PV_ROOT enable $1 failed"
  pv_run_live systemctl daemon-reload
  pv_run_live systemctl restart "$1"
}

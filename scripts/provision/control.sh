#!/usr/bin/env bash
# Makes a machine the fleet's control node: OVN Northbound, Southbound and ovn-northd (Debian's
# ovn-central services, listening on TCP at --listen-ip) and hvnet-controller as a systemd service.
#
#   scripts/provision/control.sh --listen-ip IP --token-file FILE [options]
#
#   --listen-ip IP        address NB (6641), SB (6642) and the controller listen on (the underlay's)
#   --token-file FILE     the bearer token hypervisors send; copied to /etc/hvnet/controller.token (0600)
#   --controller-port N   hvnet-controller's TCP port (default 8740)
#   --open-reads          the controller serves GETs without the token (a lab's fleet page in a browser)
#   --root DIR            install under DIR, as DESTDIR (default /). Under any other root nothing is
#                         installed with apt-get and no service is touched: those steps are printed as
#                         "skipped (--root DIR): ..."
#   --app DIR             the hvnet tree the wrappers run (default: this repository); it must be built
#   --build               run npm ci and npm run build in --app first
#
# Files written under --root: etc/default/ovn-central, etc/default/hvnet-controller,
# etc/hvnet/controller.token, usr/bin/hvnet-controller, usr/bin/hvnet,
# usr/lib/systemd/system/hvnet-controller.service and the enable link
# etc/systemd/system/multi-user.target.wants/hvnet-controller.service.
set -euo pipefail
PV_NAME=control.sh
# shellcheck source=scripts/provision/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

OPTIONS='--listen-ip, --token-file, --controller-port, --open-reads, --root, --app, --build, --help'
listen_ip= token_file= port=8740 open_reads=0 build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --listen-ip) pv_need_value "$1" $#; pv_check_ip "$1" "$2"; listen_ip=$2; shift ;;
    --token-file) pv_need_value "$1" $#; pv_check_readable_file "$1" "$2"; token_file=$2; shift ;;
    --controller-port) pv_need_value "$1" $#; pv_check_int "$1" "$2" 1 65535; port=$2; shift ;;
    --open-reads) open_reads=1 ;;
    --root) pv_need_value "$1" $#; pv_check_root "$2"; PV_ROOT=$2; shift ;;
    --app) pv_need_value "$1" $#; pv_check_app "$2"; PV_APP=$2; shift ;;
    --build) build=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) pv_die "unknown argument '$1' (allowed: $OPTIONS)" ;;
  esac
  shift
done
[ -n "$listen_ip" ] || pv_die "--listen-ip is required"
[ -n "$token_file" ] || pv_die "--token-file is required"
PV_ROOT=${PV_ROOT%/}
PV_ROOT=${PV_ROOT:-/}
listen=$listen_ip
[[ $listen_ip != *:* ]] || listen="[$listen_ip]"

pv_install_packages control
[ "$build" = 0 ] || pv_build_app
pv_check_app_built

pv_stage_begin
mkdir -p "$PV_STAGE/etc/default"
# ovn-ctl's own options: NB and SB get a plain TCP remote on the underlay address besides their
# unix sockets; northd keeps using the unix sockets.
cat >"$PV_STAGE/etc/default/ovn-central" <<EOF
# Written by scripts/provision/control.sh: NB and SB listen on the underlay (ovn-ctl --help).
OVN_CTL_OPTS="--db-nb-addr=$listen --db-nb-create-insecure-remote=yes --db-sb-addr=$listen --db-sb-create-insecure-remote=yes"
EOF
opts=
[ "$open_reads" = 0 ] || opts=--open-reads
cat >"$PV_STAGE/etc/default/hvnet-controller" <<EOF
# Written by scripts/provision/control.sh; read by hvnet-controller.service.
HVNET_CONTROLLER_LISTEN=$listen:$port
HVNET_CONTROLLER_OPTS=$opts
EOF
chmod 0644 "$PV_STAGE/etc/default/ovn-central" "$PV_STAGE/etc/default/hvnet-controller"
pv_stage_file 0600 "$token_file" /etc/hvnet/controller.token
pv_stage_file 0644 "$PV_REPO/systemd/hvnet-controller.service" /usr/lib/systemd/system/hvnet-controller.service
pv_stage_wrapper hvnet-controller dist/agent/bin/hvnet-controller.js
pv_stage_wrapper hvnet dist/agent/hvnet-cli.cjs
pv_stage_commit

pv_run_live systemctl restart ovn-central.service
pv_enable_unit hvnet-controller.service

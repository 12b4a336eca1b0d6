#!/usr/bin/env bash
# Makes a machine an hvnet hypervisor: packages, hvnetd's configuration, its systemd unit and
# sysusers entry, the OVN chassis settings, and the service enabled and started.
#
#   scripts/provision/hypervisor.sh --host-id ID --nb REMOTES --sb REMOTES [options]
#
#   --host-id ID          this host's id (hvnet host.id and the OVS system-id of its chassis)
#   --nb REMOTES          OVN Northbound remotes hvnetd uses (unix:/PATH or tcp:IP:PORT, comma-separated)
#   --sb REMOTES          OVN Southbound remotes (ovn-controller's ovn-remote, and hvnet's peer traces)
#   --controller URL      hvnet-controller base URL the status reports go to (needs --token-file)
#   --token-file FILE     the controller's bearer token; copied to /etc/hvnet/controller.token (0600)
#   --token-at PATH       instead of --token-file: the config names the token file PATH, which is
#                         not copied (a lab host whose token is already in place)
#   --report-interval S   report heartbeat in seconds (default: the daemon's, 30)
#   --encap-ip IP         tunnel (geneve) address of this chassis; without it the chassis is left as it is
#   --libvirt-uri URI     libvirt connection URI (default qemu:///system)
#   --required-network N  an OVN network the host needs to be operational ([project/]network; repeatable)
#   --no-libvirt          a network-only node: no libvirt or QEMU packages, and libvirt.enabled: false
#                         in the config (operational without libvirt; excludes --libvirt-uri)
#   --quick-checks        a lab's timings: NB probe 2 s, controller retries 0.5..2 s, health polled
#                         every 200 ms, so a fleet on one machine settles within seconds
#   --socket PATH         hvnetd's socket (default /run/hvnet/hvnet.sock, the unit's RuntimeDirectory)
#   --state-dir DIR       hvnetd's state directory (default /var/lib/hvnet, the unit's StateDirectory)
#   --root DIR            install under DIR, as DESTDIR (default /). Under any other root nothing is
#                         installed with apt-get and no service or OVS setting is touched: those steps
#                         are printed as "skipped (--root DIR): ..."
#   --app DIR             the hvnet tree the wrappers run (default: this repository); it must be built
#   --build               run npm ci and npm run build in --app first
#
# Files written under --root: etc/hvnet/hvnet.yaml, etc/hvnet/controller.token (with --token-file),
# usr/bin/hvnetd, usr/bin/hvnet, usr/lib/systemd/system/hvnetd.service, usr/lib/sysusers.d/hvnet.conf,
# and the enable link etc/systemd/system/multi-user.target.wants/hvnetd.service.
set -euo pipefail
PV_NAME=hypervisor.sh
# shellcheck source=scripts/provision/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

OPTIONS='--host-id, --nb, --sb, --controller, --token-file, --token-at, --report-interval, --encap-ip, --libvirt-uri, --required-network, --no-libvirt, --quick-checks, --socket, --state-dir, --root, --app, --build, --help'
host_id= nb= sb= controller= token_file= token_at= interval= encap_ip= libvirt_uri= no_libvirt=0 quick=0 socket= state_dir= build=0
required_networks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --host-id) pv_need_value "$1" $#; pv_check_host_id "$2"; host_id=$2; shift ;;
    --nb) pv_need_value "$1" $#; pv_check_remotes "$1" "$2"; nb=$2; shift ;;
    --sb) pv_need_value "$1" $#; pv_check_remotes "$1" "$2"; sb=$2; shift ;;
    --controller) pv_need_value "$1" $#; pv_check_url "$2"; controller=$2; shift ;;
    --token-file) pv_need_value "$1" $#; pv_check_readable_file "$1" "$2"; token_file=$2; shift ;;
    --token-at) pv_need_value "$1" $#; pv_check_abs_path "$1" "$2"; token_at=$2; shift ;;
    --required-network) pv_need_value "$1" $#; pv_check_network "$2"; required_networks+=("$2"); shift ;;
    --report-interval) pv_need_value "$1" $#; pv_check_int "$1" "$2" 1 86400; interval=$2; shift ;;
    --encap-ip) pv_need_value "$1" $#; pv_check_ip "$1" "$2"; encap_ip=$2; shift ;;
    --libvirt-uri) pv_need_value "$1" $#; pv_check_libvirt_uri "$2"; libvirt_uri=$2; shift ;;
    --no-libvirt) no_libvirt=1 ;;
    --quick-checks) quick=1 ;;
    --socket) pv_need_value "$1" $#; pv_check_abs_path "$1" "$2"; socket=$2; shift ;;
    --state-dir) pv_need_value "$1" $#; pv_check_abs_path "$1" "$2"; state_dir=$2; shift ;;
    --root) pv_need_value "$1" $#; pv_check_root "$2"; PV_ROOT=$2; shift ;;
    --app) pv_need_value "$1" $#; pv_check_app "$2"; PV_APP=$2; shift ;;
    --build) build=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) pv_die "unknown argument '$1' (allowed: $OPTIONS)" ;;
  esac
  shift
done
[ -n "$host_id" ] || pv_die "--host-id is required"
[ -n "$nb" ] || pv_die "--nb is required"
[ -n "$sb" ] || pv_die "--sb is required"
[ -z "$token_file" ] || [ -z "$token_at" ] || pv_die "--token-file and --token-at exclude each other (copy a token, or name one in place)"
[ -z "$controller" ] || [ -n "$token_file$token_at" ] || pv_die "--controller needs --token-file or --token-at (hvnet-controller refuses reports without its token)"
[ -z "$token_file$token_at" ] || [ -n "$controller" ] || pv_die "--token-file and --token-at are only used with --controller"
[ -z "$interval" ] || [ -n "$controller" ] || pv_die "--report-interval is only used with --controller"
[ "$no_libvirt" = 0 ] || [ -z "$libvirt_uri" ] || pv_die "--no-libvirt and --libvirt-uri exclude each other (a network-only node connects to no libvirt)"
libvirt_uri=${libvirt_uri:-qemu:///system}
PV_ROOT=${PV_ROOT%/}
PV_ROOT=${PV_ROOT:-/}

role=hypervisor
[ "$no_libvirt" = 0 ] || role=hypervisor-no-libvirt
pv_install_packages "$role"
[ "$build" = 0 ] || pv_build_app
pv_check_app_built

pv_stage_begin
mkdir -p "$PV_STAGE/etc/hvnet"
# Every value below passed a pattern without quotes, backslashes or whitespace, so double
# quotes are enough to keep YAML from reading one as a number or a boolean.
{
  printf '# Written by scripts/provision/hypervisor.sh; every key: agent/config/hvnet.example.yaml.\n'
  printf 'host:\n  id: "%s"\n' "$host_id"
  printf 'ovn:\n  nb:\n    remotes: "%s"\n' "$nb"
  [ "$quick" = 0 ] || printf '    inactivityProbeMs: 2000\n    readyTimeoutSeconds: 20\n'
  printf '  sb:\n    remotes: "%s"\n' "$sb"
  if [ "$no_libvirt" = 1 ]; then
    printf 'libvirt:\n  enabled: false\n'
  else
    printf 'libvirt:\n  uri: "%s"\n' "$libvirt_uri"
  fi
  [ -z "$socket" ] || printf 'api:\n  socket: "%s"\n' "$socket"
  [ -z "$state_dir" ] || printf 'stateDir: "%s"\n' "$state_dir"
  if [ -n "$controller" ]; then
    printf 'controller:\n  url: "%s"\n  tokenFile: "%s"\n' "$controller" "${token_at:-/etc/hvnet/controller.token}"
    [ -z "$interval" ] || printf '  intervalSeconds: %s\n' "$interval"
    [ "$quick" = 0 ] || printf '  retry:\n    initialSeconds: 0.5\n    maxSeconds: 2\n'
  fi
  if [ ${#required_networks[@]} -gt 0 ] || [ "$quick" = 1 ]; then
    printf 'health:\n'
    [ "$quick" = 0 ] || printf '  pollIntervalMs: 200\n'
    if [ ${#required_networks[@]} -gt 0 ]; then
      printf '  requiredNetworks:\n'
      printf '    - "%s"\n' "${required_networks[@]}"
    fi
  fi
} >"$PV_STAGE/etc/hvnet/hvnet.yaml"
chmod 0644 "$PV_STAGE/etc/hvnet/hvnet.yaml"
pv_check_config /etc/hvnet/hvnet.yaml
[ -z "$token_file" ] || pv_stage_file 0600 "$token_file" /etc/hvnet/controller.token
pv_stage_file 0644 "$PV_REPO/systemd/hvnetd.service" /usr/lib/systemd/system/hvnetd.service
pv_stage_file 0644 "$PV_REPO/systemd/hvnet.sysusers.conf" /usr/lib/sysusers.d/hvnet.conf
pv_stage_wrapper hvnetd dist/agent/bin/hvnetd.js
pv_stage_wrapper hvnet dist/agent/hvnet-cli.cjs
pv_stage_commit

pv_run_live systemd-sysusers
if [ -n "$encap_ip" ]; then
  pv_run_live ovs-vsctl set Open_vSwitch . "external_ids:system-id=$host_id" "external_ids:ovn-remote=$sb" \
    external_ids:ovn-encap-type=geneve "external_ids:ovn-encap-ip=$encap_ip"
  pv_run_live systemctl restart ovn-controller.service
fi
pv_enable_unit hvnetd.service

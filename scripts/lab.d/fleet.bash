# shellcheck shell=bash
# Sourced by scripts/lab (not a demo: the demos are lab.d/*.sh). Hosts hv1..hvN for
# `scripts/lab up --hosts N` with N >= 2, and what `status`, `host K stop|start` and `down` need.
#
# Layout: $LAB/nb{1,2,3}, $LAB/sb{1,2,3} (3-member RAFT clusters, unix sockets + ptcp:0), northd,
# the controller as with one host, and per host K a directory $LAB/hvK with its Open_vSwitch
# database (ovs/), ovn-controller's files (ovn/), what scripts/provision/hypervisor.sh --root
# installs there (etc/hvnet/hvnet.yaml, usr/bin, the unit), socket (hvnet.sock) and state (state/),
# and the pidfiles
# ovs-db.pid, vswitchd.pid, ovn-controller.pid, hvnetd.pid.
#
# The underlay: a namespace <tag>u holding a Linux bridge `sw`; host K has a veth <tag>vK (in the
# namespace its ovs-vswitchd runs in) whose peer <tag>wK is on `sw`. <tag>vK is a port of the
# host's netdev underlay bridge, whose own tap carries the tunnel address 169.254.S.K/24 (S =
# HVNET_LAB_UNDERLAY_SUBNET, default 78): link-local, on the lab's links only. hv1's ovs-vswitchd
# runs in the root namespace (libvirt's taps are there); its bridges are <tag>i and <tag>p, since the
# netdev datapath makes a tap named after each bridge. Only one netdev ovs-vswitchd fits in the
# root namespace (its `ovs-netdev` tap has a fixed name): the lab refuses to start next to a
# foreign one, and starts hv1's under the lock /tmp/hvnet-root-ovs.lock.

FLEET_SUBNET=${HVNET_LAB_UNDERLAY_SUBNET:-78}
ROOT_OVS_LOCK=/tmp/hvnet-root-ovs.lock
UNDERLAY_MTU=9000

fleet_hosts() { cat "$LAB/hosts" 2>/dev/null || echo 1; }
host_ns() { echo "${TAG}h$1"; }
underlay_ns() { echo "${TAG}u"; }
int_bridge() { if [ "$1" = 1 ]; then echo "${TAG}i"; else echo br-int; fi; }
phy_bridge() { if [ "$1" = 1 ]; then echo "${TAG}p"; else echo br-phy; fi; }
host_env() {
  local d=$LAB/hv$1
  export OVS_RUNDIR=$d/ovs OVS_LOGDIR=$d/ovs OVS_DBDIR=$d/ovs OVS_SYSCONFDIR=$d/ovs OVN_RUNDIR=$d/ovn OVN_LOGDIR=$d/ovn
}
in_host_ns() {  # in_host_ns K CMD...: CMD where host K's ovs-vswitchd runs
  local k=$1
  shift
  if [ "$k" = 1 ]; then "$@"; else ip netns exec "$(host_ns "$k")" "$@"; fi
}
ns_exists() { ip netns list | grep -qx "$1\( .*\)\?"; }
cluster_remotes() { echo "unix:$LAB/${1}1.sock,unix:$LAB/${1}2.sock,unix:$LAB/${1}3.sock"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

fleet_daemons() {  # every pidfile name of an N-host lab, in stop order
  local k
  for (( k = $(fleet_hosts); k >= 1; k-- )); do echo "hv$k/hvnetd hv$k/ovn-controller hv$k/vswitchd hv$k/ovs-db"; done
  echo controller northd sb1 sb2 sb3 nb1 nb2 nb3 libvirtd virtlogd
}

# An ovs-vswitchd in the root namespace that is not hv1's.
foreign_root_vswitchd() {
  local me mine p
  me=$(readlink /proc/self/ns/net)
  mine=$(pid_of hv1/vswitchd)
  for p in $(pgrep -x ovs-vswitchd || true); do
    [ "$p" = "$mine" ] && continue
    alive "$p" || continue
    [ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$me" ] && { echo "$p"; return 0; }
  done
  return 1
}

start_cluster() {  # start_cluster nb|sb SCHEMA
  local n=$1 schema=$2 name i
  if [ ! -f "$LAB/${n}1.db" ]; then
    name=$(ovsdb-tool schema-name "$schema")
    local p1 p2 p3
    p1=$(free_port); p2=$(free_port); p3=$(free_port)
    ovsdb-tool create-cluster "$LAB/${n}1.db" "$schema" "tcp:127.0.0.1:$p1" 2>/dev/null
    ovsdb-tool join-cluster "$LAB/${n}2.db" "$name" "tcp:127.0.0.1:$p2" "tcp:127.0.0.1:$p1"
    ovsdb-tool join-cluster "$LAB/${n}3.db" "$name" "tcp:127.0.0.1:$p3" "tcp:127.0.0.1:$p1"
  fi
  for i in 1 2 3; do
    running "$n$i" && continue
    rm -f "$LAB/$n$i.log"
    ovsdb-server "$LAB/$n$i.db" --remote="punix:$LAB/$n$i.sock" --remote=ptcp:0:127.0.0.1 \
      --pidfile="$LAB/$n$i.pid" --unixctl="$LAB/$n$i.ctl" --log-file="$LAB/$n$i.log" -vconsole:off --detach --no-chdir
  done
}

fleet_central() {
  start_cluster nb "$OVN_SCHEMA_DIR/ovn-nb.ovsschema"
  start_cluster sb "$OVN_SCHEMA_DIR/ovn-sb.ovsschema"
  if ! running northd; then
    ovn-northd --ovnnb-db="$(cluster_remotes nb)" --ovnsb-db="$(cluster_remotes sb)" \
      --pidfile="$LAB/northd.pid" --unixctl="$LAB/northd.ctl" --log-file="$LAB/northd.log" -vconsole:off --detach --no-chdir
  fi
  ovn-nbctl --db="$(cluster_remotes nb)" --timeout=30 --wait=sb sync
}

fleet_underlay() {
  local u
  u=$(underlay_ns)
  ns_exists "$u" || { ip netns add "$u" && ip -n "$u" link set lo up; }
  ip -n "$u" link show sw >/dev/null 2>&1 || ip -n "$u" link add sw mtu "$UNDERLAY_MTU" type bridge
  ip -n "$u" link set sw up
}

host_wire() {  # host_wire K: the veth from the underlay's bridge into host K's namespace
  local k=$1 v=${TAG}v$1 w=${TAG}w$1
  in_host_ns "$k" ip link show "$v" >/dev/null 2>&1 && return 0
  ip link add "$v" mtu "$UNDERLAY_MTU" type veth peer name "$w" mtu "$UNDERLAY_MTU"
  ip link set "$w" netns "$(underlay_ns)"
  ip -n "$(underlay_ns)" link set "$w" master sw up
  [ "$k" = 1 ] || ip link set "$v" netns "$(host_ns "$k")"
  in_host_ns "$k" ip link set "$v" up
}

# True when an ancestor of this shell holds a flock on FILE (`flock FILE scripts/lab up …`): taking
# it again through a new open file would wait for ourselves.
lock_held_by_ancestor() {  # FILE
  local ino holders p h
  ino=$(stat -c %i "$1" 2>/dev/null) || return 1
  holders=$(awk -v ino="$ino" '$2 == "FLOCK" { n = split($6, a, ":"); if (a[n] == ino) print $5 }' /proc/locks)
  [ -n "$holders" ] || return 1
  p=$$
  while [ -n "$p" ] && [ "$p" -gt 1 ]; do
    for h in $holders; do [ "$h" = "$p" ] && return 0; done
    p=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f2)
  done
  return 1
}

start_vswitchd() {  # start_vswitchd K
  local k=$1 d=$LAB/hv$1
  running "hv$k/vswitchd" && return 0
  local args=("unix:$d/ovs/db.sock" --pidfile="$d/vswitchd.pid" --unixctl="$d/ovs/ovs-vswitchd.ctl" --log-file="$d/ovs/ovs-vswitchd.log" -vconsole:off --detach --no-chdir)
  # Its run directory (bridge management sockets) is the host's: OVS_RUNDIR.
  if [ "$k" = 1 ]; then
    # The check and the start under one lock: the fixtures take it for a whole test run.
    (
      host_env 1
      if ! lock_held_by_ancestor "$ROOT_OVS_LOCK"; then
        flock -w 900 9 || { hv_log "timed out waiting for $ROOT_OVS_LOCK"; exit 1; }
      fi
      if p=$(foreign_root_vswitchd); then
        hv_log "an ovs-vswitchd the lab did not start runs in the root namespace (pid $p); hv1's cannot run beside it (fixed tap name ovs-netdev); stop it first, the lab will not touch it"
        exit 1
      fi
      ovs-vswitchd "${args[@]}"
    ) 9>"$ROOT_OVS_LOCK"
  else
    ( host_env "$k"; ip netns exec "$(host_ns "$k")" ovs-vswitchd "${args[@]}" )
  fi
}

start_ovn_controller() {  # start_ovn_controller K
  local k=$1 d=$LAB/hv$1
  running "hv$k/ovn-controller" && return 0
  ( host_env "$k"
    ovn-controller "unix:$d/ovs/db.sock" --pidfile="$d/ovn-controller.pid" --log-file="$d/ovs/ovn-controller.log" -vconsole:off --detach --no-chdir )
}

fleet_host() {  # fleet_host K: ovsdb-server, ovs-vswitchd, underlay, bridges, ovn-controller
  local k=$1 d=$LAB/hv$1 ip=169.254.$FLEET_SUBNET.$1
  mkdir -p "$d/ovs" "$d/ovn" "$d/state"
  [ "$k" = 1 ] || ns_exists "$(host_ns "$k")" || { ip netns add "$(host_ns "$k")" && ip -n "$(host_ns "$k")" link set lo up; }
  host_wire "$k"
  ( host_env "$k"
    if ! running "hv$k/ovs-db"; then
      [ -f "$d/ovs/conf.db" ] || ovsdb-tool create "$d/ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
      ovsdb-server "$d/ovs/conf.db" --remote="punix:$d/ovs/db.sock" --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
        --pidfile="$d/ovs-db.pid" --log-file="$d/ovs/ovsdb-server.log" -vconsole:off --detach --no-chdir
      ovs-vsctl --no-wait init
    fi
  )
  start_vswitchd "$k"
  local ib pb
  ib=$(int_bridge "$k")
  pb=$(phy_bridge "$k")
  ( host_env "$k"
    ovs-vsctl --may-exist add-br "$ib" -- set Bridge "$ib" datapath_type=netdev fail-mode=secure other-config:disable-in-band=true
    # Standalone (a learning switch): the underlay veth and the bridge's own tap, which holds the tunnel address.
    ovs-vsctl --may-exist add-br "$pb" -- set Bridge "$pb" datapath_type=netdev \
      -- --may-exist add-port "$pb" "${TAG}v$k" -- set Interface "$pb" mtu_request="$UNDERLAY_MTU"
    in_host_ns "$k" ip addr replace "$ip/24" dev "$pb"
    in_host_ns "$k" ip link set "$pb" up
    ovs-vsctl set Open_vSwitch . "external_ids:system-id=hv$k" "external_ids:ovn-remote=$(cluster_remotes sb)" \
      external_ids:ovn-encap-type=geneve "external_ids:ovn-encap-ip=$ip" "external_ids:ovn-bridge=$ib" \
      external_ids:ovn-bridge-datapath-type=netdev
  )
  start_ovn_controller "$k"
}

# hvnetd of host K, provisioned by scripts/provision/hypervisor.sh (provision_host), as the tests'
# fleet hosts are. hv1 uses the machine's libvirtd; the others are network-only nodes.
start_host_agent() {  # start_host_agent K
  local k=$1 d=$LAB/hv$1 libvirt=(--no-libvirt)
  [ "$k" = 1 ] && libvirt=(--libvirt-uri qemu:///system)
  provision_host "hv$k" "$d" "$(cluster_remotes nb)" "$(cluster_remotes sb)" "${libvirt[@]}"
  start_bg "hv$k/hvnetd" node "$HV_ROOT/dist/agent/bin/hvnetd.js" --config "$(host_config_file "$d")"
}

fleet_up() {
  local n=$1 k t0=$SECONDS
  echo "$n" >"$LAB/hosts"
  fleet_central
  fleet_underlay
  for (( k = 1; k <= n; k++ )); do fleet_host "$k"; done
  wait_until 30 "$n chassis in the SB" bash -c \
    "[ \"\$(ovn-sbctl --db=$(cluster_remotes sb) --bare --columns=name list Chassis | grep -c .)\" = $n ]"
  start_libvirt
  start_controller
  for (( k = 1; k <= n; k++ )); do start_host_agent "$k"; done
  for (( k = 1; k <= n; k++ )); do
    wait_until 30 "hv$k's hvnetd to answer" node "$HV_ROOT/dist/agent/hvnet-cli.cjs" --socket "$LAB/hv$k/hvnet.sock" status
  done
  hv_log "$n hosts up in $((SECONDS - t0)) s"
}

fleet_host_verb() {  # fleet_host_verb K stop|start
  local k=$1
  case "$2" in
    stop) stop_pid "hv$k/hvnetd"; stop_pid "hv$k/ovn-controller" ;;
    start)
      start_ovn_controller "$k"
      start_bg "hv$k/hvnetd" node "$HV_ROOT/dist/agent/bin/hvnetd.js" --config "$(host_config_file "$LAB/hv$k")"
      wait_until 30 "hv$k's hvnetd to answer" node "$HV_ROOT/dist/agent/hvnet-cli.cjs" --socket "$LAB/hv$k/hvnet.sock" status
      ;;
  esac
}

fleet_down() {
  local n k d
  n=$(fleet_hosts)
  # hv1's bridges first, while its ovs-vswitchd still runs: their taps are in the root namespace.
  if running hv1/vswitchd; then
    ( host_env 1; ovs-vsctl --timeout=10 -- --if-exists del-br "$(int_bridge 1)" -- --if-exists del-br "$(phy_bridge 1)" ) || true
  fi
  for d in $(fleet_daemons); do stop_pid "$d"; done
  for (( k = 2; k <= n; k++ )); do ns_exists "$(host_ns "$k")" && ip netns del "$(host_ns "$k")"; done
  ns_exists "$(underlay_ns)" && ip netns del "$(underlay_ns)"
  for d in "${TAG}v1" "$(int_bridge 1)" "$(phy_bridge 1)"; do ip link del "$d" 2>/dev/null || true; done
  # The netdev datapath's ovs-netdev tap outlives ovs-vswitchd; remove it once none is left here.
  foreign_root_vswitchd >/dev/null || ip link del ovs-netdev 2>/dev/null || true
  rm -f "$LAB"/*.sock "$LAB"/*.ctl "$LAB"/hv*/hvnet.sock "$LAB"/hv*/ovs/*.sock "$LAB"/hv*/ovs/*.ctl "$LAB"/hv*/ovn/*.ctl "$LAB/hosts"
}

fleet_status() {
  local n k d pid state
  n=$(fleet_hosts)
  echo "central:"
  for d in nb1 nb2 nb3 sb1 sb2 sb3 northd controller virtlogd libvirtd; do
    pid=$(pid_of "$d")
    if alive "$pid"; then printf '  %-10s running  pid %s\n' "$d" "$pid"; else printf '  %-10s stopped\n' "$d"; fi
  done
  echo "hosts ($n):"
  for (( k = 1; k <= n; k++ )); do
    printf '  hv%s' "$k"
    for d in ovs-db vswitchd ovn-controller hvnetd; do
      pid=$(pid_of "hv$k/$d")
      if alive "$pid"; then printf '  %s %s' "$d" "$pid"; else printf '  %s stopped' "$d"; fi
    done
    state=stopped
    if running "hv$k/hvnetd"; then
      state=$(node "$HV_ROOT/dist/agent/hvnet-cli.cjs" --socket "$LAB/hv$k/hvnet.sock" --format json status 2>/dev/null |
        python3 -c 'import json, sys; s = json.load(sys.stdin)["status"]; print(s["state"] + "".join("; " + r["message"] for r in s["reasons"]))' 2>/dev/null || echo "not answering")
    fi
    printf '  agent: %s\n' "$state"
  done
}

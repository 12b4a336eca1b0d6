# shellcheck shell=bash
# `scripts/lab up --azs 2`: two OVN availability zones on this machine joined by OVN-IC, with a
# remote peering between them (docs/ovn-ic.md#the-lab). Sourced by scripts/lab (needs LAB, TAG,
# running, stop_pid, start_bg, wait_until, HV_ROOT). Network only: no libvirt, no controller.
#
#   $LAB/ic/       the IC-NB and IC-SB ovsdb-servers (icnb.pid, icsb.pid)
#   $LAB/azK/      AZ K: nb, sb, northd, ovn-ic, a chassis (ovs-db, vswitchd in netns ${TAG}zK,
#                  ovn-controller) that is the AZ's interconnection gateway, and hvnetd
#   veth ${TAG}uK  the underlay between the two chassis namespaces (192.168.79.K/24), geneve on it
#   netns ${TAG}wK a workload in AZ K on network `labic` (10.79.K.10, fd42:79:K::10)
# The demo: network `labic` in each AZ (10.79.K.1/24, fd42:79:K::1/64), integration `ic`, the
# remote peering `to-azJ` from each side, and pings both ways (IPv4 and IPv6).

azs_daemons() {  # every pidfile name, in stop order
  echo "az2/hvnetd az1/hvnetd az2/ovn-controller az1/ovn-controller az2/vswitchd az1/vswitchd az2/ovs-db az1/ovs-db"
  echo "az2/ovn-ic az1/ovn-ic az2/northd az1/northd az2/sb az1/sb az2/nb az1/nb ic/icsb ic/icnb"
}

azs_ovsdb() {  # azs_ovsdb NAME SCHEMA
  local n=$1 schema=$2
  running "$n" && return 0
  [ -f "$LAB/$n.db" ] || ovsdb-tool create "$LAB/$n.db" "$schema"
  ovsdb-server "$LAB/$n.db" --remote="punix:$LAB/$n.sock" --pidfile="$LAB/$n.pid" --unixctl="$LAB/$n.ctl" \
    --log-file="$LAB/$n.log" -vconsole:off --detach --no-chdir
}

azs_az() {  # azs_az K: the AZ's OVN, ovn-ic, gateway chassis and hvnetd
  local k=$1 d=$LAB/az$1 ns=${TAG}z$1
  mkdir -p "$d/ovs" "$d/ovn" "$d/state"
  azs_ovsdb "az$k/nb" "$OVN_SCHEMA_DIR/ovn-nb.ovsschema"
  azs_ovsdb "az$k/sb" "$OVN_SCHEMA_DIR/ovn-sb.ovsschema"
  ovn-nbctl --db="unix:$d/nb.sock" --no-wait init
  ovn-nbctl --db="unix:$d/nb.sock" --no-wait set NB_Global . "name=az$k"
  running "az$k/northd" || ovn-northd --ovnnb-db="unix:$d/nb.sock" --ovnsb-db="unix:$d/sb.sock" \
    --pidfile="$d/northd.pid" --unixctl="$d/northd.ctl" --log-file="$d/northd.log" -vconsole:off --detach --no-chdir
  running "az$k/ovn-ic" || ovn-ic --ovnnb-db="unix:$d/nb.sock" --ovnsb-db="unix:$d/sb.sock" \
    --ic-nb-db="unix:$LAB/ic/icnb.sock" --ic-sb-db="unix:$LAB/ic/icsb.sock" \
    --pidfile="$d/ovn-ic.pid" --unixctl="$d/ovn-ic.ctl" --log-file="$d/ovn-ic.log" -vconsole:off --detach --no-chdir
  export OVS_RUNDIR=$d/ovs OVS_LOGDIR=$d/ovs OVS_DBDIR=$d/ovs OVS_SYSCONFDIR=$d/ovs OVN_RUNDIR=$d/ovn
  if ! running "az$k/ovs-db"; then
    [ -f "$d/ovs/conf.db" ] || ovsdb-tool create "$d/ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server "$d/ovs/conf.db" --remote="punix:$d/ovs/db.sock" --pidfile="$d/ovs-db.pid" \
      --log-file="$d/ovs/ovsdb-server.log" -vconsole:off --detach --no-chdir
    ovs-vsctl --no-wait init
  fi
  ip netns list | grep -qx "$ns\( .*\)\?" || { ip netns add "$ns" && ip -n "$ns" link set lo up; }
  running "az$k/vswitchd" || ip netns exec "$ns" ovs-vswitchd "unix:$d/ovs/db.sock" --pidfile="$d/vswitchd.pid" \
    --log-file="$d/ovs/ovs-vswitchd.log" -vconsole:off --detach --no-chdir
  ovs-vsctl --may-exist add-br br-int -- set Bridge br-int datapath_type=netdev fail-mode=secure other-config:disable-in-band=true
  ovs-vsctl --may-exist add-br br-phy -- set Bridge br-phy datapath_type=netdev
  if ip link show "${TAG}u$k" >/dev/null 2>&1; then ip link set "${TAG}u$k" netns "$ns"; fi
  ovs-vsctl --may-exist add-port br-phy "${TAG}u$k"
  ip -n "$ns" addr replace "192.168.79.$k/24" dev br-phy
  ip -n "$ns" link set br-phy up
  ip -n "$ns" link set "${TAG}u$k" up
  ovs-vsctl set Open_vSwitch . "external_ids:system-id=lab-az$k-gw" "external_ids:ovn-remote=unix:$d/sb.sock" \
    external_ids:ovn-encap-type=geneve "external_ids:ovn-encap-ip=192.168.79.$k" external_ids:ovn-bridge=br-int \
    external_ids:ovn-bridge-datapath-type=netdev external_ids:ovn-is-interconn=true
  running "az$k/ovn-controller" || ovn-controller "unix:$d/ovs/db.sock" --pidfile="$d/ovn-controller.pid" \
    --log-file="$d/ovs/ovn-controller.log" -vconsole:off --detach --no-chdir
  # The AZ's host is provisioned as every lab host is: a network-only node.
  bash "$HV_ROOT/scripts/provision/hypervisor.sh" --root "$d" --host-id "lab-az$k" --nb "unix:$d/nb.sock" \
    --sb "unix:$d/sb.sock" --socket "$d/hvnet.sock" --state-dir "$d/state" --quick-checks --no-libvirt >"$d/provision.log" ||
    { hv_log "provisioning lab-az$k into $d failed"; return 1; }
  start_bg "az$k/hvnetd" node "$HV_ROOT/dist/agent/bin/hvnetd.js" --config "$d/etc/hvnet/hvnet.yaml"
  unset OVS_RUNDIR OVS_LOGDIR OVS_DBDIR OVS_SYSCONFDIR OVN_RUNDIR
}

azs_hv() {  # azs_hv K ARGS...: the hvnet CLI against AZ K's hvnetd
  local k=$1
  shift
  node "$HV_ROOT/dist/agent/hvnet-cli.cjs" --socket "$LAB/az$k/hvnet.sock" "$@"
}

azs_workload() {  # azs_workload K: namespace ${TAG}wK on network labic's switch in AZ K
  local k=$1 d=$LAB/az$1 w=${TAG}w$1 sw mac=02:00:00:79:0$1:10
  sw=$(azs_hv "$k" network show labic --format csv | awk -F, '$1 == "switch" { print $2 }')
  ovn-nbctl --db="unix:$d/nb.sock" --may-exist lsp-add "$sw" "labic-w$k" -- lsp-set-addresses "labic-w$k" "$mac 10.79.$k.10 fd42:79:$k::10"
  ip netns list | grep -qx "$w\( .*\)\?" && return 0
  ip netns add "$w"
  ip link add "${w}a" type veth peer name "${w}b"
  ip link set "${w}a" netns "$w"
  ip -n "$w" link set "${w}a" name eth0
  ip -n "$w" link set eth0 address "$mac"
  ip -n "$w" addr add "10.79.$k.10/24" dev eth0
  ip -n "$w" addr add "fd42:79:$k::10/64" dev eth0 nodad
  ip -n "$w" link set lo up
  ip -n "$w" link set eth0 up
  ip -n "$w" route add default via "10.79.$k.1"
  ip -n "$w" -6 route add default via "fd42:79:$k::1"
  ip netns exec "$w" ethtool -K eth0 tx off >/dev/null
  ip link set "${w}b" netns "${TAG}z$k"
  ip -n "${TAG}z$k" link set "${w}b" up
  OVS_RUNDIR=$d/ovs ovs-vsctl --may-exist add-port br-int "${w}b" -- set Interface "${w}b" "external_ids:iface-id=labic-w$k"
}

azs_up() {
  hv_ensure_packages
  hv_ensure_node_modules
  [ -f "$HV_ROOT/dist/agent/bin/hvnetd.js" ] && [ -f "$HV_ROOT/dist/agent/hvnet-cli.cjs" ] || hv_build
  mkdir -p "$LAB/ic"
  chmod 0711 "$LAB"
  echo 2 >"$LAB/azs"
  azs_ovsdb ic/icnb "$OVN_SCHEMA_DIR/ovn-ic-nb.ovsschema"
  azs_ovsdb ic/icsb "$OVN_SCHEMA_DIR/ovn-ic-sb.ovsschema"
  ovn-ic-nbctl --db="unix:$LAB/ic/icnb.sock" init
  ovn-ic-sbctl --db="unix:$LAB/ic/icsb.sock" init
  if ! ip link show "${TAG}u1" >/dev/null 2>&1 && ! ip -n "${TAG}z1" link show "${TAG}u1" >/dev/null 2>&1; then
    ip link add "${TAG}u1" mtu 9000 type veth peer name "${TAG}u2" mtu 9000
  fi
  local k j
  for k in 1 2; do azs_az "$k"; done
  for k in 1 2; do
    wait_until 30 "az$k's hvnetd to answer" azs_hv "$k" status
    wait_until 30 "az$k's gateway in the IC-SB" bash -c "ovn-ic-sbctl --db=unix:$LAB/ic/icsb.sock --bare --columns=name list Gateway | grep -qx lab-az$k-gw"
  done
  for k in 1 2; do
    j=$((3 - k))
    printf '\n== AZ %s: network labic, integration ic, remote peering to-az%s\n' "$k" "$j"
    azs_hv "$k" network show labic >/dev/null 2>&1 || azs_hv "$k" network create labic --ipv4 "10.79.$k.1/24" --ipv6 "fd42:79:$k::1/64"
    azs_hv "$k" network integration show ic >/dev/null 2>&1 || azs_hv "$k" network integration create ic ovn \
      "ovn.northbound_connection=unix:$LAB/ic/icnb.sock" "ovn.southbound_connection=unix:$LAB/ic/icsb.sock"
    azs_hv "$k" network peer show labic "to-az$j" >/dev/null 2>&1 || azs_hv "$k" network peer create labic "to-az$j" ic --type=remote
    azs_workload "$k"
  done
  for k in 1 2; do
    j=$((3 - k))
    wait_until 60 "az$k's peering to be created" bash -c "node $HV_ROOT/dist/agent/hvnet-cli.cjs --socket $LAB/az$k/hvnet.sock network peer show labic to-az$j --format csv | grep -qx 'status,Created'"
    azs_hv "$k" network peer show labic "to-az$j"
  done
  printf '\n== the transit switch in the IC-NB\n'
  ovn-ic-nbctl --db="unix:$LAB/ic/icnb.sock" --columns=name,external_ids list Transit_Switch
  for k in 1 2; do
    j=$((3 - k))
    printf '\n== AZ %s learned (ic-learned-route)\n' "$k"
    ovn-nbctl --db="unix:$LAB/az$k/nb.sock" --columns=ip_prefix,nexthop find Logical_Router_Static_Route 'external_ids:ic-learned-route!=""'
    printf '\n== ping from AZ %s (10.79.%s.10) to AZ %s\n' "$k" "$k" "$j"
    wait_until 30 "ping az$k -> az$j" ip netns exec "${TAG}w$k" ping -c 1 -W 1 "10.79.$j.10"
    ip netns exec "${TAG}w$k" ping -c 3 -i 0.3 -W 2 "10.79.$j.10"
    ip netns exec "${TAG}w$k" ping -6 -c 3 -i 0.3 -W 2 "fd42:79:$j::10"
  done
  cat <<ENV

lab directory:  $LAB (two availability zones, az1 and az2, joined by OVN-IC)
HVNET_SOCKET=$LAB/az1/hvnet.sock   (AZ 2: $LAB/az2/hvnet.sock)
OVN_NB_DB=unix:$LAB/az1/nb.sock    (AZ 2: unix:$LAB/az2/nb.sock)
IC-NB unix:$LAB/ic/icnb.sock, IC-SB unix:$LAB/ic/icsb.sock
try:  ip netns exec ${TAG}w1 ping 10.79.2.10
ENV
}

azs_down() {
  local d k
  for d in $(azs_daemons); do stop_pid "$d"; done
  for k in 1 2; do
    ip netns list | grep -qx "${TAG}w$k\( .*\)\?" && ip netns del "${TAG}w$k"
    ip netns list | grep -qx "${TAG}z$k\( .*\)\?" && ip netns del "${TAG}z$k"
    ip link show "${TAG}u$k" >/dev/null 2>&1 && ip link del "${TAG}u$k"
  done
  rm -f "$LAB"/az?/*.sock "$LAB"/az?/*.ctl "$LAB"/az?/ovs/*.sock "$LAB"/az?/ovs/*.ctl "$LAB"/az?/ovn/*.ctl "$LAB"/ic/*.sock "$LAB"/ic/*.ctl "$LAB/azs"
  hv_log "the two-AZ lab is down (databases and logs kept in $LAB)"
  return 0
}

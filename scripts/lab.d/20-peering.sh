#!/usr/bin/env bash
# Lab demo: network peering as Incus spells it, through hvnetd.
#
#   20-peering.sh up     two networks in two projects (lab-a in default, lab-b in lab-p2), the
#                        peering declared from lab-a (pending), then from lab-b (created), and the
#                        proof: ovn-trace --minimal from an instance port on lab-a to one on lab-b
#                        crossing the peer ports, the same proof from hvnetd (`hvnet network
#                        peer show --trace`: an echo to the other gateway and back, each way),
#                        and `hvnet network peer list` of both sides
#                        and, on the lab's chassis (userspace datapath), a ping from a namespace
#                        on lab-a to one on lab-b
#   20-peering.sh down   removes what `up` made (the instance ports go with the switches)
#
# Both are idempotent. scripts/lab runs them with HVNET_SOCKET, HVNET_LAB_DIR, OVN_NB_DB,
# OVN_SB_DB and HVNET_BIN (the hvnet CLI command, possibly with options) set.
set -euo pipefail

: "${OVN_NB_DB:?}" "${OVN_SB_DB:?}"
read -ra HV <<<"${HVNET_BIN:-hvnet}"
hv() { "${HV[@]}" "$@"; }

P2=lab-p2
A=lab-a
B=lab-b
A4=10.77.1.1/24
B4=10.77.2.1/24
A6=fd42:77:1::1/64
B6=fd42:77:2::1/64

say() { printf '\n== %s\n' "$*"; }

# `hvnet … show X --format csv` is FIELD,VALUE lines; prints VALUE of FIELD.
field() {  # field FIELD < csv
  awk -F, -v f="$1" '$1 == f { print $2 }'
}

exists() { hv "$@" >/dev/null 2>&1; }

peer_up() {  # peer_up NETWORK PEERING TARGET [--project P]
  local net=$1 name=$2 target=$3
  shift 3
  if exists network peer show "$net" "$name" "$@"; then
    printf 'Network peer %s already declared: %s\n' "$name" "$(hv network peer show "$net" "$name" "$@" --format csv | field status)"
  else
    hv network peer create "$net" "$name" "$target" --description "lab demo" --wait "$@"
  fi
}

instance() {  # instance NETWORK TAG [--project P]: an instance port .10 on the network's switch; prints its name
  local net=$1 tag=$2
  shift 2
  local show switch id mac4 ip4
  show=$(hv network show "$net" "$@" --format csv)
  switch=$(field switch <<<"$show")
  id=$(field id <<<"$show")
  ip4=$(field config.ipv4.address <<<"$show" | sed -E 's#\.[0-9]+/[0-9]+$#.10#')
  mac4=$(printf '0a:00:00:00:%02x:10' "$id")
  ovn-nbctl --may-exist lsp-add "$switch" "$switch-$tag" -- lsp-set-addresses "$switch-$tag" "$mac4 $ip4" >/dev/null
  printf '%s %s %s %s\n' "$switch" "$switch-$tag" "$mac4" "$ip4"
}

# A workload namespace bound to a logical switch port: a veth with one end in the namespace (eth0,
# the port's MAC and address, default route to the gateway) and the other on the chassis's br-int
# with iface-id = the port name. Checksum offload off: the userspace datapath forwards TCP/UDP
# with the partial checksums a veth hands over otherwise (ICMP would hide it).
plug() {  # plug NETNS LSP MAC IP/PREFIX GATEWAY
  local ns=$1 lsp=$2 mac=$3 ip=$4 gw=$5
  ip netns list | grep -q "^$ns\b" && return 0
  ip netns add "$ns"
  ip link add "${ns}0" type veth peer name "${ns}1"
  ip link set "${ns}0" netns "$ns"
  ip -n "$ns" link set "${ns}0" name eth0
  ip -n "$ns" link set eth0 address "$mac"
  ip -n "$ns" addr add "$ip" dev eth0
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "$gw"
  ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null
  ip link set "${ns}1" netns "$HVNET_LAB_CHASSIS_NS"
  ip -n "$HVNET_LAB_CHASSIS_NS" link set "${ns}1" up
  OVS_RUNDIR=$HVNET_LAB_OVS_RUNDIR ovs-vsctl --may-exist add-port br-int "${ns}1" -- set Interface "${ns}1" "external_ids:iface-id=$lsp"
}

unplug() {  # unplug NETNS
  local ns=$1
  if [ -n "${HVNET_LAB_OVS_RUNDIR:-}" ] && [ -S "$HVNET_LAB_OVS_RUNDIR/db.sock" ]; then
    OVS_RUNDIR=$HVNET_LAB_OVS_RUNDIR ovs-vsctl --if-exists del-port br-int "${ns}1" || true
  fi
  if ip netns list | grep -q "^$ns\b"; then ip netns del "$ns"; fi
}

up() {
  say "projects and networks"
  hv project list --format csv | grep -q "^$P2," || hv project create "$P2" --description "lab demo, second project"
  exists network show "$A" || hv network create "$A" --ipv4 "$A4" --ipv6 "$A6" --description "lab demo"
  exists network show "$B" --project "$P2" || hv network create "$B" --project "$P2" --ipv4 "$B4" --ipv6 "$B6" --description "lab demo"
  hv network list
  hv network list --project "$P2"

  say "peering, side 1: $A -> $P2/$B (pending until $B declares its side)"
  peer_up "$A" to-b "$P2/$B"
  say "peering, side 2: $P2/$B -> default/$A (created)"
  peer_up "$B" to-a "default/$A" --project "$P2"

  say "proof: ovn-trace --minimal from an instance on $A to one on $B"
  local sa pa ma ia sb pb mb ib amac
  read -r sa pa ma ia <<<"$(instance "$A" demo)"
  read -r sb pb mb ib <<<"$(instance "$B" demo --project "$P2")"
  : "$sb" "$mb"
  amac=$(hv network show "$A" --format csv | field mac)
  local flow trace crossed
  flow="inport == \"$pa\" && eth.src == $ma && eth.dst == $amac && ip4.src == ${ia%/*} && ip4.dst == ${ib%/*} && ip.ttl == 64 && icmp4.type == 8"
  trace=$(ovn-trace --db="$OVN_SB_DB" --minimal "$sa" "$flow")
  printf '%s\n' "$trace"
  # Which ports it crossed: the minimal trace shows only the actions, the summary names the ports.
  crossed=$(ovn-trace --db="$OVN_SB_DB" --summary "$sa" "$flow" | grep -o 'output to "[^"]*-lrp-peer-[^"]*", type "patch"' | sort -u || true)
  if grep -q "output(\"$pb\")" <<<"$trace" && [ -n "$crossed" ]; then
    printf '\n-> %s reaches %s (ip.ttl decremented by both routers), crossing the peer port:\n%s\n' "$pa" "$pb" "$crossed"
  else
    printf '\n-> the trace did NOT reach %s through a peer port\n' "$pb" >&2
    return 1
  fi

  say "proof from hvnetd: hvnet network peer show $A to-b --trace"
  local shown
  shown=$(hv network peer show "$A" to-b --trace)
  printf '%s\n' "$shown"
  if ! grep -qx 'Trace: pass' <<<"$shown"; then
    printf '\n-> hvnetd says the peering does NOT carry traffic\n' >&2
    return 1
  fi
  if [ -n "${HVNET_LAB_CHASSIS_NS:-}" ]; then
    say "dataplane: a namespace on $A pings a namespace on $B through the peering"
    local gwa gwb
    gwa=$(hv network show "$A" --format csv | field config.ipv4.address)
    gwb=$(hv network show "$B" --project "$P2" --format csv | field config.ipv4.address)
    plug "${HVNET_LAB_TAG}a" "$pa" "$ma" "$ia/${gwa#*/}" "${gwa%/*}"
    plug "${HVNET_LAB_TAG}b" "$pb" "$mb" "$ib/${gwb#*/}" "${gwb%/*}"
    ovn-nbctl --db="$OVN_NB_DB" --timeout=20 --wait=hv sync
    ip netns exec "${HVNET_LAB_TAG}a" ping -c 3 -i 0.3 -W 2 "${ib%/*}"
  fi

  say "the peer ports in the NB (router ports of $A and $B that hvnet made for the peering)"
  ovn-nbctl --format=table --columns=name,mac,networks,peer find Logical_Router_Port 'external_ids:"hvnet:peer-id"!=""' |
    awk -v a="$(hv network show "$A" --format csv | field router)" -v b="$(hv network show "$B" --project "$P2" --format csv | field router)" \
      'NR <= 2 || index($0, a "-lrp-peer") || index($0, b "-lrp-peer")'
  say "hvnet network peer list"
  hv network peer list "$A"
  hv network peer list "$B" --project "$P2"
}

down() {
  if [ -n "${HVNET_LAB_TAG:-}" ]; then
    unplug "${HVNET_LAB_TAG}a"
    unplug "${HVNET_LAB_TAG}b"
  fi
  exists network peer show "$A" to-b && hv network peer delete "$A" to-b
  exists network peer show "$B" to-a --project "$P2" && hv network peer delete "$B" to-a --project "$P2"
  # --force: the demo's instance ports (made with ovn-nbctl, not by hvnet) go with the switches.
  exists network show "$A" && hv network delete "$A" --force
  exists network show "$B" --project "$P2" && hv network delete "$B" --project "$P2" --force
  if hv project list --format csv 2>/dev/null | grep -q "^$P2,"; then hv project delete "$P2"; fi
  return 0
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Lab demo: a macvtap NIC through hvnetd.
#
#   30-nic.sh up     a tiny TCG VM (Debian kernel + busybox initramfs, built by tiny-guest.mjs and
#                    cached under $HVNET_LAB_DIR/nic), a veth pair made here, and a bridge-mode
#                    macvtap NIC on one veth end attached live+persistent with `hvnet nic attach`;
#                    then `hvnet nic list` and the guest's own view of its NICs
#   30-nic.sh down   removes the VM, the veth and the files, by the names `up` recorded
#
# Both are idempotent. scripts/lab runs them with HVNET_SOCKET, HVNET_LAB_DIR, HVNET_BIN (the hvnet
# CLI command, possibly with options) and LIBVIRT_DEFAULT_URI set.
set -euo pipefail

: "${HVNET_LAB_DIR:?}"
read -ra HV <<<"${HVNET_BIN:-hvnet}"
hv() { "${HV[@]}" "$@"; }
URI=${LIBVIRT_DEFAULT_URI:-qemu:///system}
virsh_() { virsh -q -c "$URI" "$@"; }

HERE=$(cd "$(dirname "$0")" && pwd)
D=$HVNET_LAB_DIR/nic
VM=hvnet-lab-nic
VETH_A=hvlabnic0
VETH_B=hvlabnic1
READY=HVNET-GUEST-READY

say() { printf '\n== %s\n' "$*"; }

domain_defined() { virsh_ dominfo "$1" >/dev/null 2>&1; }
domain_running() { [ "$(virsh_ domstate "$1" 2>/dev/null)" = running ]; }

wait_console() {  # wait_console FILE TEXT SECONDS
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "30-nic.sh: no '$2' on the console of $VM within $3 s ($1)" >&2
      return 1
    fi
    sleep 0.2
  done
}

up() {
  mkdir -p "$D"
  chmod 0711 "$HVNET_LAB_DIR" "$D" # QEMU runs as libvirt-qemu and must reach the kernel and the console log
  echo "$VM" >"$D/domain"

  say "veth pair $VETH_A/$VETH_B (the macvtap's lower device)"
  echo "$VETH_A" >"$D/veth"
  ip link show "$VETH_A" >/dev/null 2>&1 || ip link add "$VETH_A" type veth peer name "$VETH_B"
  ip link set "$VETH_A" up
  ip link set "$VETH_B" up
  ip -br link show "$VETH_A"

  say "tiny VM $VM (TCG)"
  if ! domain_defined "$VM"; then
    # The tests' guest and domain (testbed/guest-image.ts), with 4 spare PCIe root ports.
    node "$HERE/tiny-guest.mjs" "$D/guest" --domain "$VM" "$D/console.log" 4 >"$D/domain.xml"
    virsh_ define "$D/domain.xml" >/dev/null
  fi
  if ! domain_running "$VM"; then
    virsh_ start "$VM" >/dev/null
    wait_console "$D/console.log" "$READY" 120
  fi
  cat "/run/libvirt/qemu/$VM.pid" >"$D/qemu.pid" 2>/dev/null || true
  grep -a "$READY" "$D/console.log" | tail -n 1 | tr -d '\r'

  say "bridge-mode macvtap on $VETH_A: hvnet nic attach"
  if hv nic list "$VM" --format csv | grep -q ",$VETH_A,"; then
    echo "$VM already has a NIC on $VETH_A"
  else
    local from
    from=$(wc -c <"$D/console.log")
    hv nic attach "$VM" --source "$VETH_A" --mode bridge
    # The guest prints its NIC list when it changes: wait for eth0.
    local deadline=$((SECONDS + 30))
    until tail -c +"$((from + 1))" "$D/console.log" | grep -aq 'HVNET-NETS .*eth0'; do
      [ $SECONDS -lt $deadline ] || { echo "30-nic.sh: the guest did not show eth0 within 30 s" >&2; return 1; }
      sleep 0.2
    done
  fi

  say "hvnet nic list"
  hv nic list
  say "the guest's NICs (its console)"
  grep -a 'HVNET-NETS' "$D/console.log" | tail -n 1 | tr -d '\r'
  say "the macvtap on the host"
  ip -d -br link show type macvtap 2>/dev/null | grep "@$VETH_A" || ip -d link show | grep -A1 "@$VETH_A" || true
}

down() {
  [ -d "$D" ] || { echo "30-nic.sh: nothing to remove ($D does not exist)"; return 0; }
  local vm veth pid
  vm=$(cat "$D/domain" 2>/dev/null || true)
  veth=$(cat "$D/veth" 2>/dev/null || true)
  pid=$(cat "$D/qemu.pid" 2>/dev/null || true)
  if [ -n "$vm" ] && domain_defined "$vm"; then
    # Through hvnetd when it answers, so its MAC pool lets the addresses go.
    if hv nic list "$vm" --format csv >/dev/null 2>&1; then
      local mac
      for mac in $(hv nic list "$vm" --format csv | awk -F, 'NR > 1 { print $2 }'); do hv nic detach "$vm" "$mac" >/dev/null || true; done
    fi
    virsh_ destroy "$vm" >/dev/null 2>&1 || true
    virsh_ undefine "$vm" >/dev/null
    rm -f "/var/log/libvirt/qemu/$vm.log"
    echo "removed VM $vm"
  fi
  if [ -n "$pid" ]; then
    local i
    for i in $(seq 100); do
      [ -d "/proc/$pid" ] && ! grep -q ') Z' "/proc/$pid/stat" 2>/dev/null || break
      sleep 0.1
    done
  fi
  if [ -n "$veth" ] && ip link show "$veth" >/dev/null 2>&1; then
    ip link del "$veth"
    echo "removed veth $veth"
  fi
  rm -rf "$D"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: 30-nic.sh up|down" >&2; exit 2 ;;
esac

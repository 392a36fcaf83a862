#!/usr/bin/env bash
# Rendered by gatectl from state.yaml. See ip-link(8), ip-address(8), ip-route(8) and bridge(8).
#
# Builds the gates below with iproute2 exactly as gatectl's netlink apply leaves them, ownership marks
# included, so that gatectl later recognises everything here as its own:
#   device     ifalias gatectl:<gate name>
#   address    prefix-route metric 147
#   routes     protocol 147
#   flooding   one permanent all-zero FDB entry per VPG endpoint and per peer
# Idempotent: running it again changes nothing when the host already matches. A device is re-created
# only when an attribute the kernel cannot change in place differs, and only when its alias says gatectl
# made it; what lacks gatectl's marks is never changed. Run it as root; for a network namespace:
#   ip netns exec NAME bash gatectl-gates.sh
set -euo pipefail

readonly FLOOD_MAC=00:00:00:00:00:00

# Prints DEV's details as JSON, or nothing when there is no such device.
gatectl_link_json() {
  ip -j -d link show dev "$1" 2>/dev/null || true
}

# True when the JSON (first argument) contains every fragment given after it.
gatectl_json_has() {
  local json=$1 fragment
  shift
  for fragment in "$@"; do
    [[ $json == *"$fragment"* ]] || return 1
  done
}

# True when the first argument equals one of the others.
gatectl_contains() {
  local item=$1 candidate
  shift
  for candidate in "$@"; do
    [[ $item == "$candidate" ]] && return 0
  done
  return 1
}

# Stops the script before any change when DEV exists without gatectl's alias for GATE.
gatectl_refuse_foreign() {
  local dev=$1 gate=$2 json
  json=$(gatectl_link_json "$dev")
  if [[ -n $json ]] && ! gatectl_json_has "$json" "\"ifalias\":\"gatectl:$gate\""; then
    echo "gatectl: $dev exists but gatectl did not make it (its alias is not gatectl:$gate); delete or rename it, or give gate $gate another interface name" >&2
    exit 1
  fi
}

# Prints DEV's MTU.
gatectl_mtu() {
  local json
  json=$(ip -j link show dev "$1")
  [[ $json =~ \"mtu\":([0-9]+) ]]
  echo "${BASH_REMATCH[1]}"
}

# Deletes DEV's addresses that carry gatectl's metric, except KEEP.
gatectl_prune_addresses() {
  local dev=$1 keep=$2 cidr rest
  while read -r _ _ _ cidr rest; do
    if [[ $cidr != "$keep" && " $rest " == *" metric 147 "* ]]; then
      ip addr del "$cidr" dev "$dev"
    fi
  done < <(ip -4 -o addr show dev "$dev")
}

# Deletes DEV's permanent all-zero FDB entries whose destination is not among the other arguments.
gatectl_prune_flood() {
  local dev=$1 mac dst flags
  shift
  while read -r mac _ dst flags; do
    if [[ $mac == "$FLOOD_MAC" && " $flags " == *" permanent "* ]] && ! gatectl_contains "$dst" "$@"; then
      bridge fdb del "$FLOOD_MAC" dev "$dev" dst "$dst"
    fi
  done < <(bridge fdb show dev "$dev")
}

# Deletes DEV's routes of gatectl's protocol whose destination is not among the other arguments.
gatectl_prune_routes() {
  local dev=$1 to rest
  shift
  while read -r to rest; do
    if ! gatectl_contains "$to" "$@"; then
      ip route del "$to" dev "$dev" proto 147
    fi
  done < <(ip -4 route show dev "$dev" proto 147)
}

# Nothing changes until every device name is known to be free or gatectl's own.
gatectl_refuse_foreign 'vxlan0' 'main'
gatectl_refuse_foreign 'vxlan1' 'lab'

# Gate "main": vxlan0, VNI 10, local 192.0.2.1 on eth0.
dev='vxlan0'
json=$(gatectl_link_json "$dev")
if [[ -n $json ]] && ! gatectl_json_has "$json" '"info_kind":"vxlan"' '"id":10,' '"local":"192.0.2.1"' \
    '"link":"eth0"' '"port_range":{"low":4789,"high":4790}' \
    '"port":4789,' '"learning":false'; then
  echo "gatectl: $dev differs in an attribute the kernel cannot change in place; re-creating it" >&2
  ip link del dev "$dev"
  json=
fi
if [[ -z $json ]]; then
  ip link add "$dev" type vxlan id 10 local 192.0.2.1 dev 'eth0' \
    dstport 4789 srcport 4789 4790 nolearning
fi
ip link set dev "$dev" alias 'gatectl:main' mtu 1450 up
ip addr replace 198.18.0.2/15 dev "$dev" metric 147
gatectl_prune_addresses "$dev" 198.18.0.2/15
bridge fdb append "$FLOOD_MAC" dev "$dev" dst 203.0.113.10
bridge fdb append "$FLOOD_MAC" dev "$dev" dst 203.0.113.11
bridge fdb append "$FLOOD_MAC" dev "$dev" dst 198.51.100.7
gatectl_prune_flood "$dev" 203.0.113.10 203.0.113.11 198.51.100.7
ip route replace 198.19.128.0/24 via 198.18.0.7 dev "$dev" proto 147
gatectl_prune_routes "$dev" 198.19.128.0/24

# Gate "lab": vxlan1, VNI 20, local 192.0.2.1 on eth0.
dev='vxlan1'
json=$(gatectl_link_json "$dev")
if [[ -n $json ]] && ! gatectl_json_has "$json" '"info_kind":"vxlan"' '"id":20,' '"local":"192.0.2.1"' \
    '"link":"eth0"' '"port_range":{"low":4789,"high":4790}' \
    '"port":4789,' '"learning":true'; then
  echo "gatectl: $dev differs in an attribute the kernel cannot change in place; re-creating it" >&2
  ip link del dev "$dev"
  json=
fi
if [[ -z $json ]]; then
  ip link add "$dev" type vxlan id 20 local 192.0.2.1 dev 'eth0' \
    dstport 4789 srcport 4789 4790 learning
fi
ip link set dev "$dev" alias 'gatectl:lab' mtu "$(( $(gatectl_mtu 'eth0') - 50 ))" up
ip addr replace 198.18.100.2/24 dev "$dev" metric 147
gatectl_prune_addresses "$dev" 198.18.100.2/24
bridge fdb append "$FLOOD_MAC" dev "$dev" dst 203.0.113.20
gatectl_prune_flood "$dev" 203.0.113.20
gatectl_prune_routes "$dev"

# Gate "old" is absent: delete vxlan9 if gatectl made it.
if gatectl_json_has "$(gatectl_link_json 'vxlan9')" '"ifalias":"gatectl:old"'; then
  ip link del dev 'vxlan9'
fi

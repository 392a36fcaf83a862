#!/usr/bin/env bash
# Counts the rtnetlink requests one `gatectl apply` sends, by type, for N gates (2 endpoints and 1 route each) on a
# fresh host and then in sync: strace decodes every netlink message gatectl writes (sendto/sendmsg, batches included).
# Usage: sudo bench/netlink-requests.sh [GATECTL] [N...]   (default: out/gatectl, 1 and 20 gates)
# Runs in its own namespace gctbm<pid>, deleted by name at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
gatectl=${1:-out/gatectl}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 20)
ns="gctbm$$"
work=$(mktemp -d)
trap 'ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"' EXIT

state() {
  local n=$1
  printf 'apiVersion: gatectl/v1\nkind: GatePeer\nhost:\n  backend: netlink\ngates:\n'
  for i in $(seq 1 "$n"); do
    printf '  - name: g%d\n    interface: gb%d\n    vni: %d\n    underlay: u0\n    local: 192.0.2.10\n' "$i" "$i" $((1000 + i))
    printf '    address: 198.18.%d.1/24\n    endpoints: [203.0.113.1, 203.0.113.2]\n' "$i"
    printf '    routes:\n      - to: 198.19.%d.0/24\n        via: 198.18.%d.2\n' "$i" "$i"
  done
}

count() {
  # One line per rtnetlink message header gatectl sent (strace prints the numeric type: the socket is in another
  # namespace); nftables messages (type >= 0x100, the guard's) are left out. "dump" marks NLM_F_DUMP requests.
  local label=$1 log=$2
  grep -oE 'nlmsg_type=0x[0-9a-f]+( /\* NLMSG_\?\?\? \*/)?, nlmsg_flags=[A-Z_|0-9x]*' "$log" | awk -v label="$label" '
    BEGIN {
      split("10 NEWLINK 11 DELLINK 12 GETLINK 13 SETLINK 14 NEWADDR 15 DELADDR 16 GETADDR 18 NEWROUTE 19 DELROUTE 1a GETROUTE 1c NEWNEIGH 1d DELNEIGH 1e GETNEIGH 4e GETNETCONF", t, " ")
      for (i = 1; i < 28; i += 2) names["0x" t[i]] = "RTM_" t[i + 1]
    }
    {
      match($0, /0x[0-9a-f]+/); type = substr($0, RSTART, RLENGTH)
      if (length(type) > 4) next
      name = (type in names) ? names[type] : "type " type
      if ($0 ~ /0x300|NLM_F_DUMP/) name = name " dump"
      count[name]++; total++
    }
    END {
      line = ""
      for (n in count) line = line (line == "" ? "" : ", ") n " " count[n]
      printf "%s: %d rtnetlink requests (%s)\n", label, total, line
    }'
}

ip netns add "$ns"
ip -n "$ns" link add u0 type veth peer name u0p
ip -n "$ns" address add 192.0.2.10/24 dev u0
ip -n "$ns" link set u0 up
for n in "${sizes[@]}"; do
  state "$n" > "$work/state-$n.yaml"
  for run in fresh in-sync; do
    strace -f -qq -v -s 65536 -e trace=sendto,sendmsg -e signal=none -o "$work/$run-$n.log" \
      "$gatectl" apply --netns "$ns" --backend netlink "$work/state-$n.yaml" > /dev/null
    count "apply of $n gates, $run" "$work/$run-$n.log"
  done
  "$gatectl" delete --netns "$ns" --backend netlink "$work/state-$n.yaml" > /dev/null
done

#!/usr/bin/env bash
# gatectl benchmarks: baseline vs gatectl in the same run, in a private network namespace (needs root).
#   sudo bench/run.sh [repetitions] [entries]      (defaults: 5 repetitions, 10000 entries)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "bench: needs root to create a network namespace: run it with sudo" >&2
  exit 1
fi
for tool in ip bridge; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' missing (apt-get install iproute2)" >&2; exit 1; }
done
dotnet build bench/Gate.NetlinkCtl.Bench/Gate.NetlinkCtl.Bench.csproj -c Release -nologo -v quiet >&2
exec dotnet bench/Gate.NetlinkCtl.Bench/bin/Release/net10.0/Gate.NetlinkCtl.Bench.dll "$@"

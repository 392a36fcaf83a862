#!/usr/bin/env bash
# gatectl benchmarks: every gatectl figure next to its baseline, measured in the same run, in private network
# namespaces (prefix gctb, deleted by exact name). Needs root. Results: stdout and bench/results/latest.md.
#   sudo bench/run.sh              the full run (~5 min on 2 CPUs): N = 100, 1,000, 10,000
#   sudo bench/run.sh --quick      a smoke run; other options: see bench/Gate.NetlinkCtl.Bench/BenchOptions.cs
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "bench: needs root to create network namespaces: run it with sudo" >&2
  exit 1
fi

# bench-deps: what the scenarios drive (iperf3 and ping for the data plane, strace to count child processes,
# GNU time for peak memory, ss to see iperf3 listen, nft to remove the guard table between runs, ethtool for GRO), plus the toolchain that links the native binary.
BENCH_PACKAGES=(iproute2 iputils-ping iperf3 strace time procps nftables ethtool gcc zlib1g-dev)
missing=()
for p in "${BENCH_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The subject is the binary users install: the native AOT publish, the same command as ./dev.sh publish (called
# directly so the bench does not pull in the test suite's packages: NetworkManager, Ansible, ...).
rm -rf out
dotnet publish src/Gate.NetlinkCtl.Cli/Gate.NetlinkCtl.Cli.csproj -c Release -r linux-x64 -nologo -v quiet -o out >&2
dotnet build bench/Gate.NetlinkCtl.Bench/Gate.NetlinkCtl.Bench.csproj -c Release -nologo -v quiet >&2
exec dotnet bench/Gate.NetlinkCtl.Bench/bin/Release/net10.0/Gate.NetlinkCtl.Bench.dll --gatectl out/gatectl "$@"

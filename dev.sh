#!/usr/bin/env bash
# gatectl's developer entry point: the README's two commands.
#   sudo ./dev.sh demo   install what is missing, build gatectl, run the namespace demo
#   sudo ./dev.sh test   install what is missing, build, run every test, print the totals
# Other verbs: deps (install only), build, publish (native AOT binary out/gatectl), package (Debian package in dist/,
# docs/packaging.md), role (the Ansible role as an archive ansible-galaxy installs: dist/gatectl-role-VERSION.tar.gz),
# clean-netns.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the demo and the tests drive for real; gcc and zlib1g-dev link the native AOT binary; dpkg-dev builds
# the Debian package, lintian checks it, bash-completion runs its completion script in the tests.
DEB_PACKAGES=(gcc zlib1g-dev iproute2 iputils-ping iperf3 nftables iptables network-manager dbus ansible-core tcpdump util-linux libcap2-bin procps python3 systemd python3-prometheus-client ansible-lint strace systemd-container dpkg-dev lintian bash-completion keepalived python3-apt)

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "gatectl dev: '$1' needs root (network namespaces, apt-get): run it with sudo" >&2
    exit 1
  fi
}

deps() {
  local missing=()
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    need_root deps
    echo "gatectl dev: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || { echo "gatectl dev: the .NET 10 SDK is required (dotnet on PATH)" >&2; exit 1; }
}

clean_netns() {
  # Leftovers of crashed test runs: every namespace with the tests' prefix.
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^gct' || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
}

build() { dotnet build Gate.NetlinkCtl.sln -c Release -nologo -v quiet; }

publish() {
  # Native AOT (PublishAot in the project): one self-contained ELF, out/gatectl, the binary the README installs.
  rm -rf out
  dotnet publish src/Gate.NetlinkCtl.Cli/Gate.NetlinkCtl.Cli.csproj -c Release -r linux-x64 -nologo -v quiet -o out
}

version() { sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/Gate.NetlinkCtl.Cli/Gate.NetlinkCtl.Cli.csproj; }

package() {
  # dist/gatectl_<version>_amd64.deb from out/gatectl; the version is the CLI project's <Version>, which the binary
  # must report (a stale out/ is refused).
  local version built
  version=$(version)
  built=$(./out/gatectl version)
  if [ "$built" != "gatectl $version" ]; then
    echo "gatectl dev: out/gatectl reports '$built', the project is $version: run ./dev.sh publish" >&2
    exit 1
  fi
  rm -f dist/gatectl_*.deb
  packaging/deb/build.sh out/gatectl "$version" dist
}

role() {
  # The role ships its own copies of the units (files/systemd); they must be the repository's, byte for byte.
  if ! diff -r systemd ansible/roles/gatectl/files/systemd >/dev/null; then
    echo "gatectl dev: ansible/roles/gatectl/files/systemd differs from systemd/: cp -a systemd/. ansible/roles/gatectl/files/systemd/" >&2
    exit 1
  fi
  mkdir -p dist
  local archive="dist/gatectl-role-$(version).tar.gz"
  # Reproducible: sorted names, fixed times and owners, no gzip timestamp.
  tar -C ansible/roles --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - gatectl | gzip -n -9 >"$archive"
  echo "$archive"
}

totals() {
  # Sum the counters of every TRX file of this run: the closing line CI reads. A counter a file leaves out is 0.
  python3 - "$1" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
passed = failed = skipped = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    try:
        counters = ET.parse(path).getroot().find(f"{ns}ResultSummary/{ns}Counters")
    except ET.ParseError:
        counters = None
    if counters is None:
        # A run that died mid-way: count the file as one failure rather than print totals that look clean.
        print(f"gatectl dev: {path} has no readable ResultSummary/Counters", file=sys.stderr)
        failed += 1
        continue
    count = lambda name: int(counters.get(name, "0"))
    passed += count("passed")
    failed += count("failed") + count("error") + count("timeout") + count("aborted")
    skipped += count("total") - count("executed")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}

run_tests() {
  local results="TestResults/run-$(date +%s)"
  rm -rf TestResults
  clean_netns
  set +e
  dotnet test --solution Gate.NetlinkCtl.sln -c Release --no-build --results-directory "$results" --report-xunit-trx --no-progress
  local rc=$?
  set -e
  clean_netns
  local line
  line=$(totals "$results")
  if [ "$(ls "$results"/*.trx 2>/dev/null | wc -l)" -eq 0 ]; then
    echo "gatectl dev: no test results were written" >&2
    rc=1
  fi
  echo "$line"
  return $rc
}

case "${1:-}" in
  deps) deps ;;
  build) deps; build ;;
  publish) deps; publish ;;
  package) deps; publish; package ;;
  clean-netns) clean_netns ;;
  role) role ;;
  test) need_root test; deps; build; publish; run_tests ;;   # the CLI tests also run the native binary
  demo) need_root demo; deps; publish; shift; exec ./out/gatectl demo "$@" ;;
  *) echo "usage: $0 demo|test|deps|build|publish|package|role|clean-netns" >&2; exit 64 ;;
esac

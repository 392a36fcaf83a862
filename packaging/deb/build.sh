#!/usr/bin/env bash
# Builds gatectl's Debian package with dpkg's own tools (dpkg-shlibdeps, dpkg-gencontrol, dpkg-deb) from a published
# native binary:
#   packaging/deb/build.sh BINARY VERSION OUTDIR     writes OUTDIR/gatectl_VERSION_amd64.deb and prints its path
# `./dev.sh package` passes out/gatectl and the CLI project's <Version>; the package tests pass a higher version to
# build an upgrade. Needs no network: dpkg-dev, dpkg-deb and gzip (./dev.sh deps installs them).
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 BINARY VERSION OUTDIR" >&2
  exit 64
fi
binary=$(realpath "$1")
version=$2
mkdir -p "$3"
outdir=$(realpath "$3")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

[ -x "$binary" ] || { echo "gatectl package: no executable at $1: run ./dev.sh publish first" >&2; exit 1; }
[[ $version =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || { echo "gatectl package: '$version' is not a Debian native version" >&2; exit 1; }

# Reproducible: every timestamp is the last commit's (dpkg-deb clamps file times to SOURCE_DATE_EPOCH).
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH

umask 022
work=$(mktemp -d "${TMPDIR:-/tmp}/gatectl-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The layout dpkg-dev's tools expect: debian/control, debian/changelog, the package's root in debian/gatectl.
mkdir -p "$work/debian"
root=$work/debian/gatectl
doc=$root/usr/share/doc/gatectl

install -D -m 0755 "$binary" "$root/usr/bin/gatectl"

# Units: the single source is systemd/ (written for the binary at /usr/local/bin, as the role installs it); the
# package's binary is /usr/bin/gatectl, so every path to it is rewritten here and checked below.
install -d "$root/lib/systemd/system"
for unit in gatectl.service gatectl-reconcile.service gatectl-reconcile.timer; do
  {
    echo "# Shipped by the gatectl package (/usr/bin/gatectl). Change it with 'systemctl edit $unit', not in place."
    sed -e 's|/usr/local/bin/gatectl|/usr/bin/gatectl|g' -e '/^\[Unit\]$/a Documentation=man:gatectl(8)' "$repo/systemd/$unit"
  } >"$root/lib/systemd/system/$unit"
done
if grep -q '/usr/local/bin' "$root"/lib/systemd/system/*; then
  echo "gatectl package: a unit still names /usr/local/bin after the rewrite" >&2
  exit 1
fi

# The example state: manages no gate, so enabling a unit before editing it changes nothing. Root only (gatectl
# refuses a state file others may write; it may hold SORACOM settings).
install -D -m 0600 "$here/state.yaml" "$root/etc/gatectl/state.yaml"

# Generated from the command tree: the manual page and the bash completion.
install -d "$root/usr/share/man/man8" "$root/usr/share/bash-completion/completions"
"$binary" man >"$work/gatectl.8"
gzip -9n <"$work/gatectl.8" >"$root/usr/share/man/man8/gatectl.8.gz"
"$binary" completion bash >"$root/usr/share/bash-completion/completions/gatectl"

# Documentation; the drop-ins are examples: they widen the daemon's sandbox (internet sockets), so only a host whose
# state needs one installs it: soracom-api.conf for a soracom: source, health.conf (with the host's device subnets
# filled in) for a health: block. The Ansible role does it; by hand see docs/packaging.md.
install -D -m 0644 "$here/copyright" "$doc/copyright"
install -D -m 0644 "$here/lintian-overrides" "$root/usr/share/lintian/overrides/gatectl"
install -D -m 0644 "$repo/docs/state-schema.md" "$doc/state-schema.md"
install -D -m 0644 "$repo/docs/packaging.md" "$doc/packaging.md"
install -d "$doc/examples/systemd"
install -m 0644 "$repo"/examples/*.yaml "$doc/examples/"
for dropin in "$repo"/systemd/*.service.d/*.conf; do
  install -D -m 0644 "$dropin" "$doc/examples/systemd/$(basename "$(dirname "$dropin")")/$(basename "$dropin")"
done
maintainer=$(sed -n 's/^Maintainer: //p' "$here/control")
cat >"$work/debian/changelog" <<CHANGELOG
gatectl ($version) unstable; urgency=medium

  * gatectl $version, built from its source tree.

 -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")
CHANGELOG
gzip -9n <"$work/debian/changelog" >"$doc/changelog.gz"

# Control area: maintainer scripts, the conffile list, checksums, then the control file with the library
# dependencies dpkg-shlibdeps reads from the binary and the Installed-Size dpkg-gencontrol measures.
install -d "$root/DEBIAN"
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$root/DEBIAN/"
install -m 0644 "$here/conffiles" "$root/DEBIAN/conffiles"
(cd "$root" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"
cp "$here/control" "$work/debian/control"
(
  cd "$work"
  dpkg-shlibdeps -Tdebian/gatectl.substvars debian/gatectl/usr/bin/gatectl
  dpkg-gencontrol -pgatectl -v"$version" -Tdebian/gatectl.substvars -Pdebian/gatectl
)

deb=$outdir/gatectl_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"

#!/usr/bin/env bash
# Regenerates data/debian-bookworm-slim.json and data/debian-bookworm.json from a REAL bookworm
# minbase root filesystem, built the way the official image is built (debuerreotype's steps):
#   debootstrap --variant=minbase --merged-usr, debuerreotype-minimizing-config, apt-get update,
#   full-upgrade, (slim: debuerreotype-slimify), debuerreotype-fixup, the tar excludes.
# Needs: root, debootstrap, network access to deb.debian.org, a checkout of
# github.com/debuerreotype/debuerreotype (DEBUERREOTYPE=path/to/scripts).
set -Eeuo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="$here/../data"
scripts="${DEBUERREOTYPE:?set DEBUERREOTYPE to debuerreotype/scripts}"
epoch="${EPOCH:-1747699200}"   # 2025-05-20, the snapshot date the bookworm images of that month carry
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

root="$work/root"
debootstrap --variant=minbase --merged-usr bookworm "$root" http://deb.debian.org/debian
echo "$epoch" > "$root/debuerreotype-epoch"
# what debuerreotype-init does after debootstrap
"$scripts/debuerreotype-chroot" "$root" apt-mark auto '.*' > /dev/null
echo 'debuerreotype' > "$root/etc/hostname"
printf '%s\n' '# https://1.1.1.1 (privacy-focused, highly-available DNS service)' 'nameserver 1.1.1.1' 'nameserver 1.0.0.1' > "$root/etc/resolv.conf"
chmod 0644 "$root/etc/hostname" "$root/etc/resolv.conf"
lstchg=$(( epoch / 86400 ))
for f in etc/shadow etc/shadow-; do
  [ -e "$root/$f" ] && awk -F: -v OFS=: -v d="$lstchg" '{ if ($3 > d) $3 = d; print }' "$root/$f" > "$work/shadow" && cat "$work/shadow" > "$root/$f"
done
"$scripts/debuerreotype-minimizing-config" "$root"
rm -f "$root/etc/apt/sources.list"
cat > "$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
# http://snapshot.debian.org/archive/debian/$(date -u -d "@$epoch" +%Y%m%dT%H%M%SZ)
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/$(date -u -d "@$epoch" +%Y%m%dT%H%M%SZ)
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
"$scripts/debuerreotype-chroot" "$root" apt-get update -qq
"$scripts/debuerreotype-chroot" "$root" apt-get full-upgrade -yqq
cp -a "$root" "$work/slim"
"$scripts/debuerreotype-slimify" "$work/slim"

texts=(--text '/etc/**' --text '/var/lib/dpkg/status' --text '/var/lib/dpkg/status-old' --text '/var/lib/apt/extended_states' --text '/var/lib/dpkg/info/*.list'
  --text '/var/lib/dpkg/info/*.conffiles' --text '/var/lib/dpkg/diversions' --text '/var/lib/dpkg/info/format'
  --text '/var/lib/dpkg/alternatives/*' --text '/usr/lib/os-release' --text '/root/.*'
  --text '/usr/share/base-files/*' --text '/usr/sbin/policy-rc.d' --text '/usr/share/debianutils/shells')

for variant in full slim; do
  dir="$root"; [ "$variant" = slim ] && dir="$work/slim"
  "$scripts/debuerreotype-fixup" "$dir"
  ( cd "$dir"
    rm -f debuerreotype-epoch var/lib/apt/lists/*Packages* var/lib/apt/lists/*Release* var/lib/apt/lists/lock \
      var/cache/apt/*.bin var/cache/apt/archives/*.deb var/cache/apt/archives/lock \
      var/log/apt/history.log var/log/apt/term.log etc/apt/apt.conf.d/01autoremove-kernels
    rm -rf dev/* proc/* sys/*)
  name="debian-bookworm"; ref="debian:bookworm"; aliases='["debian:12","debian:bookworm"]'
  if [ "$variant" = slim ]; then name="debian-bookworm-slim"; ref="debian:bookworm-slim"; aliases='["debian:12-slim","debian:bookworm-slim"]'; fi
  cat > "$work/header.json" <<HEADER
{"ref":"$ref","aliases":$aliases,"distro":"bookworm","mtime":$epoch,
 "source":"debootstrap --variant=minbase bookworm + debuerreotype minimizing-config${variant/full/}${variant/slim/, slimify}, fixup; built by scripts/gen-debian.sh",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["bash"]},
 "history":{"created_by":"# debian.sh --arch 'amd64' out/ 'bookworm' '@$epoch'","comment":"debuerreotype 0.15"}}
HEADER
  node "$here/tree-to-spec.mjs" "$dir" "$work/header.json" "$data/$name.json" "${texts[@]}"
done

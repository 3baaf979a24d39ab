#!/usr/bin/env bash
# Regenerates data/busybox-1.36.json: the busybox:1.36 (glibc, = busybox:latest of that era)
# image, assembled the way docker-library/busybox's Dockerfile.builder (tag 1.36.1, glibc variant)
# assembles it: BusyBox 1.36.1 built with defconfig + the image's config tweaks, its applets
# hard-linked into /bin by `busybox --install`, getconf and the glibc libraries it needs copied
# from Debian bookworm, buildroot's /etc/{passwd,group,shadow}, device_table modes, home dirs.
# Needs: gcc, make, a busybox source tree at tag 1_36_1 (BUSYBOX_SRC), a bookworm host.
set -Eeuo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="${BUSYBOX_SRC:?set BUSYBOX_SRC to a busybox 1_36_1 source tree}"
epoch="${EPOCH:-1684447200}"   # 2023-05-18, busybox:1.36.1's creation day
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp -a "$src" "$work/bb" && cd "$work/bb"
make defconfig > /dev/null
for confV in CONFIG_AR=y CONFIG_FEATURE_AR_CREATE=y CONFIG_FEATURE_AR_LONG_FILENAMES=y CONFIG_LAST_SUPPORTED_WCHAR=0; do
  conf="${confV%=*}"
  sed -i -e "s!^$conf=.*\$!$confV!" -e "s!^# $conf is not set\$!$confV!" .config
  grep -q "^$confV\$" .config || echo "$confV" >> .config
done
sed -i 's!^CONFIG_FEATURE_SYNC_FANCY=.*!# CONFIG_FEATURE_SYNC_FANCY is not set!' .config
# tc does not build against current kernel headers (docker-library carries a patch for it);
# it is one applet of ~1 KB, so leave it out of the build and add its link below.
sed -i 's!^CONFIG_TC=.*!# CONFIG_TC is not set!' .config
{ yes '' || true; } | make oldconfig > /dev/null
make -j"$(nproc)" busybox > /dev/null

r="$work/rootfs"
mkdir -p "$r/bin" "$r/etc" "$r/lib"
ln -L busybox "$r/bin/busybox"
ln -L "$(command -v getconf)" "$r/bin/getconf" 2>/dev/null || cp "$(command -v getconf)" "$r/bin/getconf"
cp /etc/nsswitch.conf "$r/etc/"
ln -sT lib "$r/lib64"
multiarch="$(gcc -print-multiarch)"
for lib in ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libresolv.so.2 libpthread.so.0 \
    libnss_compat.so.2 libnss_dns.so.2 libnss_files.so.2 libnss_hesiod.so.2; do
  cp -L "/lib/$multiarch/$lib" "$r/lib/$lib"
done
for applet in $(./busybox --list) tc; do
  [ -e "$r/bin/$applet" ] || ln "$r/bin/busybox" "$r/bin/$applet"
done

# buildroot 2023.02 system/skeleton files (root's password locked as the image does)
cat > "$r/etc/passwd" <<'X'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
X
cat > "$r/etc/group" <<'X'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
X
cat > "$r/etc/shadow" <<'X'
root:*::::::::
daemon:*:::::::
bin:*:::::::
sys:*:::::::
sync:*:::::::
mail:*:::::::
www-data:*:::::::
operator:*:::::::
nobody:*:::::::
X
# buildroot device_table.txt: directories and modes
mkdir -p "$r/dev" "$r/tmp" "$r/root" "$r/var/www" "$r/etc/network/if-up.d" "$r/etc/network/if-pre-up.d" \
  "$r/etc/network/if-down.d" "$r/etc/network/if-post-down.d"
chmod 755 "$r/dev" "$r/etc" "$r/var/www"; chmod 1777 "$r/tmp"; chmod 700 "$r/root"
chmod 600 "$r/etc/shadow"; chmod 644 "$r/etc/passwd" "$r/etc/group"
# home directories of the passwd users, owned by them
while IFS=: read -r _ _ uid gid _ home _; do
  if [ ! -d "$r$home" ]; then mkdir -p "$r$home"; chown "$uid:$gid" "$r$home"; chmod 755 "$r$home"; fi
done < "$r/etc/passwd"
mkdir -p "$r/usr/bin" && ln -s ../../bin/env "$r/usr/bin/env"
ln -L "$(readlink -f /usr/share/zoneinfo/UTC)" "$r/etc/localtime" 2>/dev/null || cp -L /usr/share/zoneinfo/UTC "$r/etc/localtime"
mkdir -p "$r/proc" "$r/sys"

cat > "$work/header.json" <<HEADER
{"ref":"busybox:1.36","aliases":["busybox:1.36","busybox:1.36.1","busybox:1","busybox:latest"],"mtime":$epoch,
 "source":"BusyBox 1.36.1 built from source + bookworm glibc, assembled as docker-library/busybox 1.36.1 glibc; scripts/gen-busybox.sh",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},
 "history":{"created_by":"/bin/sh -c #(nop) ADD file:7e9002edaafd4e4579b65c8f0aaabde1aeb7fd3f8d95579f7fd3443cef785fd1 in / "}}
HEADER
node "$here/tree-to-spec.mjs" "$r" "$work/header.json" "$here/../data/busybox-1.36.json" --text '/etc/*'

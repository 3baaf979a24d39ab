// Facts for the alpine:3.19 and alpine:3.20 images, read by gen-alpine.mjs.
//
// Package names, versions and installed sizes: docker-library/repo-info (fork maxmood96/repo-info),
// repos/alpine/local/3.19.md (alpine:3.19.9, Virtual Size ~ 7.40 Mb) and 3.20.md (alpine:3.20.6,
// ~ 7.80 Mb). repo-info lists packages, not files: the file lists below are Alpine's package
// contents as known from the packages (paths, modes, link targets); the byte sizes of the large
// binaries are estimates that gen-alpine.mjs scales so the image adds up to repo-info's size.
// Entries: [path, mode, size] for files ("text:NAME" sizes come from TEXTS), [path, "->", target]
// for symlinks, [path + "/", mode] for directories.

export const BUSYBOX_APPLETS = {
  bin: `arch ash base64 bbconfig cat chattr chgrp chmod chown cp date dd df dmesg dnsdomainname dumpkmap
    echo ed egrep false fatattr fdflush fgrep fsync getopt grep gunzip gzip hostname ionice iostat ipcalc
    kbd_mode kill link linux32 linux64 ln login ls lsattr lzop makemime mkdir mknod mktemp more mount
    mountpoint mpstat mv netstat nice pidof ping ping6 pipe_progress printenv ps pwd reformime rev rm rmdir
    run-parts sed setpriv setserial sleep stat stty su sync tar touch true umount uname usleep watch zcat`,
  sbin: `acpid adjtimex arp blkid blockdev depmod fbsplash fdisk findfs fsck fstrim getty halt hwclock
    ifconfig ifdown ifenslave ifup init inotifyd insmod ip ipaddr iplink ipneigh iproute iprule iptunnel
    klogd loadkmap logread losetup lsmod mdev mkdosfs mkfs.vfat mkswap modinfo modprobe nameif nologin
    pivot_root poweroff raidautorun reboot rmmod route setconsole slattach swapoff swapon switch_root
    sysctl syslogd tunctl udhcpc vconfig watchdog`,
  "usr/bin": `[ [[ awk basename bc beep blkdiscard bunzip2 bzcat bzip2 cal chvt cksum clear cmp comm cpio
    crontab cryptpw cut dc deallocvt diff dirname dos2unix du eject env expand expr factor fallocate find
    flock fold free fuser groups hd head hexdump hostid id install ipcrm ipcs killall less logger lsof
    lsusb lzcat lzma lzopcat md5sum mesg microcom mkfifo mkpasswd nc nl nmeter nohup nproc nsenter
    nslookup od openvt paste pgrep pkill pmap printf pscan pstree pwdx readlink realpath renice reset
    resize seq setkeycodes setsid sha1sum sha256sum sha3sum sha512sum showkey shred shuf sort split
    strings sum tac tail tee test time timeout top tr traceroute traceroute6 tree truncate tty ttysize
    udhcpc6 unexpand uniq unix2dos unlink unlzma unlzop unshare unxz unzip uptime uudecode uuencode vi
    vlock volname wc wget which whoami whois xargs xxd xzcat yes`,
  "usr/sbin": `add-shell addgroup adduser arping brctl chpasswd chroot crond delgroup deluser ether-wake
    fbset killall5 loadfont nanddump nandwrite nbd-client ntpd partprobe rdate rdev readahead
    remove-shell sendmail setfont setlogcons`,
};

export const TEXTS = {
  passwd: `root:x:0:0:root:/root:/bin/sh
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/mail:/sbin/nologin
news:x:9:13:news:/usr/lib/news:/sbin/nologin
uucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin
cron:x:16:16:cron:/var/spool/cron:/sbin/nologin
ftp:x:21:21::/var/lib/ftp:/sbin/nologin
sshd:x:22:22:sshd:/dev/null:/sbin/nologin
games:x:35:35:games:/usr/games:/sbin/nologin
ntp:x:123:123:NTP:/var/empty:/sbin/nologin
guest:x:405:100:guest:/dev/null:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
`,
  group: `root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
sys:x:3:root,bin
adm:x:4:root,daemon
tty:x:5:
disk:x:6:root
lp:x:7:lp
kmem:x:9:
wheel:x:10:root
floppy:x:11:root
mail:x:12:mail
news:x:13:news
uucp:x:14:uucp
cron:x:16:cron
audio:x:18:
cdrom:x:19:
dialout:x:20:root
ftp:x:21:
sshd:x:22:
input:x:23:
tape:x:26:root
video:x:27:root
netdev:x:28:
kvm:x:34:kvm
games:x:35:
shadow:x:42:
www-data:x:82:
users:x:100:games
ntp:x:123:
abuild:x:300:
utmp:x:406:
ping:x:999:
nogroup:x:65533:
nobody:x:65534:
`,
  shadow: `root:*::0:::::
bin:!::0:::::
daemon:!::0:::::
lp:!::0:::::
sync:!::0:::::
shutdown:!::0:::::
halt:!::0:::::
mail:!::0:::::
news:!::0:::::
uucp:!::0:::::
cron:!::0:::::
ftp:!::0:::::
sshd:!::0:::::
games:!::0:::::
ntp:!::0:::::
guest:!::0:::::
nobody:!::0:::::
`,
  fstab: `/dev/cdrom\t/media/cdrom\tiso9660\tnoauto,ro 0 0
/dev/usbdisk\t/media/usb\tvfat\tnoauto,ro 0 0
`,
  hostname: "localhost\n",
  hosts: `127.0.0.1\tlocalhost localhost.localdomain
::1\t\tlocalhost localhost.localdomain
`,
  inittab: `# /etc/inittab

::sysinit:/sbin/openrc sysinit
::sysinit:/sbin/openrc boot
::wait:/sbin/openrc default

# Set up a couple of getty's
tty1::respawn:/sbin/getty 38400 tty1
tty2::respawn:/sbin/getty 38400 tty2
tty3::respawn:/sbin/getty 38400 tty3
tty4::respawn:/sbin/getty 38400 tty4
tty5::respawn:/sbin/getty 38400 tty5
tty6::respawn:/sbin/getty 38400 tty6

# Put a getty on the serial port
#ttyS0::respawn:/sbin/getty -L 115200 ttyS0 vt100

# Stuff to do for the 3-finger salute
::ctrlaltdel:/sbin/reboot

# Stuff to do before rebooting
::shutdown:/sbin/openrc shutdown

`,
  modules: "af_packet\nipv6\n",
  motd: `Welcome to Alpine!

The Alpine Wiki contains a large amount of how-to guides and general
information about administrating Alpine systems.
See <https://wiki.alpinelinux.org/>.

You can setup the system with the command: setup-alpine

You may change this message by editing /etc/motd.

`,
  nsswitch: `# musl itself does not support NSS, however some third-party DNS
# implementations use the nsswitch.conf file to determine what
# policy to follow.
# Editing this file is not recommended.
hosts: files dns
`,
  profile: `export CHARSET=UTF-8
export LANG=C.UTF-8
export LC_COLLATE=C

# Gather all profile scripts.
for script in /etc/profile.d/*.sh ; do
\tif [ -r "$script" ] ; then
\t\t. "$script"
\tfi
done
unset script
`,
  shells: "# valid login shells\n/bin/sh\n/bin/ash\n",
  securetty: "console\ntty1\ntty2\ntty3\ntty4\ntty5\ntty6\ntty7\ntty8\ntty9\ntty10\ntty11\nttyS0\nttyS1\nttyS2\nttyS3\n",
  crontab_root: `# do daily/weekly/monthly maintenance
# min\thour\tday\tmonth\tweekday\tcommand
*/15\t*\t*\t*\t*\trun-parts /etc/periodic/15min
0\t*\t*\t*\t*\trun-parts /etc/periodic/hourly
0\t2\t*\t*\t*\trun-parts /etc/periodic/daily
0\t3\t*\t*\t6\trun-parts /etc/periodic/weekly
0\t5\t1\t*\t*\trun-parts /etc/periodic/monthly

`,
  sysctl_alpine: `# content of this file will override /etc/sysctl.d/*
kernel.panic = 120
net.ipv4.conf.default.rp_filter = 1
net.ipv4.conf.all.rp_filter = 1
net.ipv4.ping_group_range=999 59999
kernel.panic_on_oops = 1
fs.protected_hardlinks = 1
fs.protected_symlinks = 1
`,
  ldconfig: "#!/bin/sh\nscan_dirs() {\n\tscanelf -qS \"$@\" | while read SONAME FILE; do\n\t\techo \"$SONAME\" >/dev/null\n\tdone\n}\nexit 0\n",
  locale_sh: "export CHARSET=${CHARSET:-UTF-8}\nexport LANG=${LANG:-C.UTF-8}\nexport LC_COLLATE=${LC_COLLATE:-C}\n",
  ssl_readme: "",
};

/** Per release: the figures from repo-info and what differs between 3.19 and 3.20. */
export const RELEASES = {
  "3.19": {
    release: "3.19.9", virtualSize: 7_400_000, created: "2025-10-08T11:10:40Z",
    world: ["alpine-baselayout", "alpine-keys", "apk-tools", "busybox", "ca-certificates-bundle", "libc-utils"],
    packages: {
      "alpine-baselayout": ["3.4.3-r2", 324], "alpine-baselayout-data": ["3.4.3-r2", 76],
      "alpine-keys": ["2.4-r1", 156], "apk-tools": ["2.14.4-r0", 296], busybox: ["1.36.1-r20", 924],
      "busybox-binsh": ["1.36.1-r20", 8], "ca-certificates-bundle": ["20250911-r0", 236],
      "libc-utils": ["0.7.2-r5", 4], libcrypto3: ["3.1.8-r1", 4516], libssl3: ["3.1.8-r1", 548],
      musl: ["1.2.4_git20230717-r5", 652], "musl-utils": ["1.2.4_git20230717-r5", 128],
      scanelf: ["1.3.7-r2", 80], ssl_client: ["1.36.1-r20", 28], zlib: ["1.3.1-r0", 108],
    },
    apkToolsSo: "libapk.so.2.14.0",
  },
  "3.20": {
    release: "3.20.6", virtualSize: 7_800_000, created: "2025-02-14T03:00:07Z",
    world: ["alpine-baselayout", "alpine-keys", "apk-tools", "busybox", "ca-certificates-bundle", "musl-utils"],
    packages: {
      "alpine-baselayout": ["3.6.5-r0", 308], "alpine-baselayout-data": ["3.6.5-r0", 76],
      "alpine-keys": ["2.4-r1", 156], "apk-tools": ["2.14.4-r1", 296], busybox: ["1.36.1-r29", 908],
      "busybox-binsh": ["1.36.1-r29", 8], "ca-certificates-bundle": ["20241121-r1", 240],
      libcrypto3: ["3.3.3-r0", 4660], libssl3: ["3.3.3-r0", 800],
      musl: ["1.2.5-r1", 652], "musl-utils": ["1.2.5-r1", 128],
      scanelf: ["1.3.7-r2", 80], ssl_client: ["1.36.1-r29", 28], zlib: ["1.3.1-r1", 108],
    },
    apkToolsSo: "libapk.so.2.14.0",
  },
};

/** Package metadata that repo-info also shows (description, url, license) plus deps/provides. */
export const META = {
  "alpine-baselayout": { T: "Alpine base dir structure and init scripts", U: "https://git.alpinelinux.org/cgit/aports/tree/main/alpine-baselayout", L: "GPL-2.0-only", D: "alpine-baselayout-data=VER /bin/sh", o: "alpine-baselayout" },
  "alpine-baselayout-data": { T: "Alpine base dir structure and init scripts", U: "https://git.alpinelinux.org/cgit/aports/tree/main/alpine-baselayout", L: "GPL-2.0-only", o: "alpine-baselayout" },
  "alpine-keys": { T: "Public keys for Alpine Linux packages", U: "https://alpinelinux.org", L: "MIT", o: "alpine-keys" },
  "apk-tools": { T: "Alpine Package Keeper - package manager for alpine", U: "https://gitlab.alpinelinux.org/alpine/apk-tools", L: "GPL-2.0-only", D: "musl>=1.2 ca-certificates-bundle so:libc.musl-x86_64.so.1 so:libcrypto.so.3 so:libssl.so.3 so:libz.so.1", p: "so:libapk.so.2.14.0=2.14.0 cmd:apk=VER", o: "apk-tools" },
  busybox: { T: "Size optimized toolbox of many common UNIX utilities", U: "https://busybox.net/", L: "GPL-2.0-only", D: "so:libc.musl-x86_64.so.1", p: "cmd:busybox=VER", o: "busybox" },
  "busybox-binsh": { T: "busybox ash /bin/sh", U: "https://busybox.net/", L: "GPL-2.0-only", D: "busybox=VER", p: "/bin/sh cmd:sh=VER", o: "busybox" },
  "ca-certificates-bundle": { T: "Pre generated bundle of Mozilla certificates", U: "https://www.mozilla.org/en-US/about/governance/policies/security-group/certs/", L: "MPL-2.0 AND MIT", p: "ca-certificates-cacert=VER", o: "ca-certificates" },
  "libc-utils": { T: "Meta package to pull in correct libc", U: "https://alpinelinux.org", L: "BSD-2-Clause AND BSD-3-Clause", D: "musl-utils", o: "libc-dev" },
  libcrypto3: { T: "Crypto library from openssl", U: "https://www.openssl.org/", L: "Apache-2.0", D: "so:libc.musl-x86_64.so.1", p: "so:libcrypto.so.3=3", o: "openssl" },
  libssl3: { T: "SSL shared libraries", U: "https://www.openssl.org/", L: "Apache-2.0", D: "so:libc.musl-x86_64.so.1 so:libcrypto.so.3", p: "so:libssl.so.3=3", o: "openssl" },
  musl: { T: "the musl c library (libc) implementation", U: "https://musl.libc.org/", L: "MIT", p: "so:libc.musl-x86_64.so.1=1", o: "musl" },
  "musl-utils": { T: "the musl c library (libc) implementation", U: "https://musl.libc.org/", L: "MIT AND BSD-2-Clause AND GPL-2.0-or-later", D: "scanelf so:libc.musl-x86_64.so.1", p: "cmd:getconf=VER cmd:getent=VER cmd:iconv=VER cmd:ldconfig=VER cmd:ldd=VER", o: "musl" },
  scanelf: { T: "Scan ELF binaries for stuff", U: "https://wiki.gentoo.org/wiki/Hardened/PaX_Utilities", L: "GPL-2.0-only", D: "so:libc.musl-x86_64.so.1", p: "cmd:scanelf=VER", o: "pax-utils" },
  ssl_client: { T: "EXternal ssl_client for busybox wget", U: "https://busybox.net/", L: "GPL-2.0-only", D: "so:libc.musl-x86_64.so.1 so:libcrypto.so.3 so:libssl.so.3", p: "cmd:ssl_client=VER", i: "busybox=VER libssl3", o: "busybox" },
  zlib: { T: "A compression/decompression Library", U: "https://zlib.net/", L: "Zlib", D: "so:libc.musl-x86_64.so.1", p: "so:libz.so.1=1.3.1", o: "zlib" },
};

const KEYS_ALL = [
  "alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub", "alpine-devel@lists.alpinelinux.org-5243ef4b.rsa.pub",
  "alpine-devel@lists.alpinelinux.org-5261cecb.rsa.pub", "alpine-devel@lists.alpinelinux.org-524d27bb.rsa.pub",
  "alpine-devel@lists.alpinelinux.org-58199dcc.rsa.pub", "alpine-devel@lists.alpinelinux.org-58cbb476.rsa.pub",
  "alpine-devel@lists.alpinelinux.org-58e4f17d.rsa.pub", "alpine-devel@lists.alpinelinux.org-5e69ca50.rsa.pub",
  "alpine-devel@lists.alpinelinux.org-60ac2099.rsa.pub", "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub",
  "alpine-devel@lists.alpinelinux.org-61666e3f.rsa.pub", "alpine-devel@lists.alpinelinux.org-616a9724.rsa.pub",
  "alpine-devel@lists.alpinelinux.org-616abc23.rsa.pub", "alpine-devel@lists.alpinelinux.org-616ac3bc.rsa.pub",
  "alpine-devel@lists.alpinelinux.org-616adfeb.rsa.pub", "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub",
  "alpine-devel@lists.alpinelinux.org-616db30d.rsa.pub",
];
const KEYS_X86_64 = ["4a6a0840", "5261cecb", "6165ee59"];
const KEY_ARCHES = {
  aarch64: ["58199dcc", "616ae350"], armhf: ["524d27bb", "616a9724"], armv7: ["524d27bb", "616adfeb"],
  mips64: ["5e69ca50"], ppc64le: ["58cbb476", "616abc23"], riscv64: ["60ac2099", "616db30d"],
  s390x: ["58e4f17d", "616ac3bc"], x86: ["4a6a0840", "5243ef4b", "61666e3f"], x86_64: KEYS_X86_64,
};
const keyFile = (id) => KEYS_ALL.find((k) => k.includes(id));
// 2048-bit keys are 451 bytes, the 4096-bit keys of 2021 (ids 6…) 800 bytes.
const keySize = (id) => (id.startsWith("6") ? 800 : 451);

/** Files per package: [path, mode, size | "text:KEY"], [path, "->", target], [dir + "/", mode]. */
export function packageFiles(rel) {
  const baseDirs = ["bin", "dev", "etc", "etc/apk", "etc/conf.d", "etc/crontabs", "etc/init.d", "etc/logrotate.d",
    "etc/modprobe.d", "etc/modules-load.d", "etc/network", "etc/network/if-down.d", "etc/network/if-post-down.d",
    "etc/network/if-post-up.d", "etc/network/if-pre-down.d", "etc/network/if-pre-up.d", "etc/network/if-up.d",
    "etc/opt", "etc/periodic", "etc/periodic/15min", "etc/periodic/daily", "etc/periodic/hourly",
    "etc/periodic/monthly", "etc/periodic/weekly", "etc/profile.d", "etc/secfixes.d", "etc/ssl", "etc/sysctl.d",
    "home", "lib", "lib/firmware", "lib/mdev", "lib/modules-load.d", "lib/sysctl.d", "media", "media/cdrom",
    "media/floppy", "media/usb", "mnt", "opt", "proc", "run", "sbin", "srv", "sys", "usr", "usr/bin", "usr/lib",
    "usr/lib/modules-load.d", "usr/local", "usr/local/bin", "usr/local/lib", "usr/local/share", "usr/sbin",
    "usr/share", "usr/share/man", "usr/share/misc", "var", "var/cache", "var/cache/misc", "var/empty", "var/lib",
    "var/lib/misc", "var/local", "var/lock", "var/lock/subsys", "var/log", "var/mail", "var/opt", "var/spool",
    "var/spool/cron", "var/tmp"];
  const dirMode = { proc: 0o555, sys: 0o555, "var/empty": 0o555, "var/tmp": 0o1777, "etc/crontabs": 0o755 };
  return {
    "alpine-baselayout": [
      ...baseDirs.map((d) => [d + "/", dirMode[d] ?? 0o755]),
      ["root/", 0o700], ["tmp/", 0o1777],
      ["etc/crontabs/root", 0o600, "text:crontab_root"],
      ["etc/modprobe.d/aliases.conf", 0o644, 1085], ["etc/modprobe.d/blacklist.conf", 0o644, 739],
      ["etc/modprobe.d/i386.conf", 0o644, 122], ["etc/modprobe.d/kms.conf", 0o644, 91],
      ["etc/profile.d/README", 0o644, 295], ["etc/profile.d/color_prompt.sh.disabled", 0o644, 564],
      ["etc/profile.d/locale.sh", 0o644, "text:locale_sh"],
      ["lib/sysctl.d/00-alpine.conf", 0o644, "text:sysctl_alpine"],
      ["var/run", "->", "../run"], ["var/spool/cron/crontabs", "->", "../../../etc/crontabs"],
      ["var/spool/mail", "->", "../../var/mail"],
    ],
    "alpine-baselayout-data": [
      ["etc/fstab", 0o644, "text:fstab"], ["etc/group", 0o644, "text:group"], ["etc/hostname", 0o644, "text:hostname"],
      ["etc/hosts", 0o644, "text:hosts"], ["etc/inittab", 0o644, "text:inittab"], ["etc/modules", 0o644, "text:modules"],
      ["etc/motd", 0o644, "text:motd"], ["etc/mtab", "->", "../proc/mounts"], ["etc/nsswitch.conf", 0o644, "text:nsswitch"],
      ["etc/passwd", 0o644, "text:passwd"], ["etc/profile", 0o644, "text:profile"], ["etc/protocols", 0o644, 3164],
      ["etc/services", 0o644, 12813], ["etc/shadow", 0o640, "text:shadow"], ["etc/shells", 0o644, "text:shells"],
      ["etc/sysctl.conf", 0o644, 53], ["etc/alpine-release", 0o644, "text:alpine_release"],
      ["etc/issue", 0o644, "text:issue"], ["etc/os-release", 0o644, "text:os_release"],
      ["etc/secfixes.d/alpine", 0o644, 116],
    ],
    "alpine-keys": [
      ["etc/apk/keys/", 0o755],
      ...KEYS_X86_64.map((id) => ["etc/apk/keys/" + keyFile(id), 0o644, keySize(id)]),
      ["usr/share/apk/", 0o755], ["usr/share/apk/keys/", 0o755],
      ...KEYS_ALL.map((k) => ["usr/share/apk/keys/" + k, 0o644, keySize(k.split("-").pop().split(".")[0])]),
      ...Object.entries(KEY_ARCHES).flatMap(([arch, ids]) => [
        ["usr/share/apk/keys/" + arch + "/", 0o755],
        ...ids.map((id) => ["usr/share/apk/keys/" + arch + "/" + keyFile(id), "->", "../" + keyFile(id)]),
      ]),
    ],
    "apk-tools": [
      ["etc/apk/", 0o755], ["lib/apk/", 0o755], ["lib/apk/exec/", 0o755],
      ["lib/" + rel.apkToolsSo, 0o755, "est:215000"], ["sbin/apk", 0o755, "est:70000"],
      ["var/cache/apk/", 0o755],
    ],
    busybox: [
      ["bin/busybox", 0o755, "est:830000"],
      ["etc/busybox-paths.d/", 0o755], ["etc/busybox-paths.d/busybox", 0o644, "text:busybox_paths"],
      ["etc/logrotate.d/acpid", 0o644, 90], ["etc/network/if-up.d/dad", 0o775, 775],
      ["etc/securetty", 0o644, "text:securetty"], ["etc/udhcpd.conf", 0o644, 5636],
      ["usr/share/udhcpc/", 0o755], ["usr/share/udhcpc/default.script", 0o755, 3929],
    ],
    "busybox-binsh": [["bin/sh", "->", "/bin/busybox"]],
    "ca-certificates-bundle": [
      ["etc/ssl/cert.pem", "->", "certs/ca-certificates.crt"], ["etc/ssl/certs/", 0o755],
      ["etc/ssl/certs/ca-certificates.crt", 0o644, "est:221000"],
    ],
    "libc-utils": [],
    libcrypto3: [
      ["etc/ssl/ct_log_list.cnf", 0o644, 412], ["etc/ssl/ct_log_list.cnf.dist", 0o644, 412],
      ["etc/ssl/openssl.cnf", 0o644, 12324], ["etc/ssl/openssl.cnf.dist", 0o644, 12324],
      ["etc/ssl/private/", 0o700], ["lib/libcrypto.so.3", 0o755, "est:4300000"],
      ["usr/lib/engines-3/", 0o755], ["usr/lib/engines-3/afalg.so", 0o755, "est:22000"],
      ["usr/lib/engines-3/capi.so", 0o755, "est:14000"], ["usr/lib/engines-3/loader_attic.so", 0o755, "est:55000"],
      ["usr/lib/engines-3/padlock.so", 0o755, "est:14000"], ["usr/lib/libcrypto.so.3", "->", "../../lib/libcrypto.so.3"],
      ["usr/lib/ossl-modules/", 0o755], ["usr/lib/ossl-modules/legacy.so", 0o755, "est:115000"],
    ],
    libssl3: [["lib/libssl.so.3", 0o755, "est:540000"], ["usr/lib/libssl.so.3", "->", "../../lib/libssl.so.3"]],
    musl: [["lib/ld-musl-x86_64.so.1", 0o755, "est:660000"], ["lib/libc.musl-x86_64.so.1", "->", "ld-musl-x86_64.so.1"]],
    "musl-utils": [
      ["sbin/ldconfig", 0o755, "text:ldconfig"], ["usr/bin/getconf", 0o755, "est:39000"],
      ["usr/bin/getent", 0o755, "est:47000"], ["usr/bin/iconv", 0o755, "est:23000"],
      ["usr/bin/ldd", "->", "../../lib/ld-musl-x86_64.so.1"],
    ],
    scanelf: [["usr/bin/scanelf", 0o755, "est:67000"]],
    ssl_client: [["usr/bin/ssl_client", 0o755, "est:14000"]],
    zlib: [["lib/libz.so.1", "->", "libz.so.1.3.1"], ["lib/libz.so.1.3.1", 0o755, "est:100000"]],
  };
}

#!/usr/bin/env node
// Writes data/ubuntu-22.04.json and data/ubuntu-24.04.json. No Ubuntu archive is reachable from
// the machines this project is built on, so these images are DERIVED: the directory tree of the
// real debian:bookworm-slim spec (also a debootstrap minbase with merged /usr and the same
// docker apt/dpkg tweaks), with Ubuntu's identity files (os-release, lsb-release, issue,
// debian_version, apt sources, dpkg excludes, the "ubuntu" user of 24.04) and every placeholder
// scaled by one factor so the image totals repo-info's Virtual Size for the tag
// (ubuntu:22.04 ~ 77.87 Mb, ubuntu:24.04 ~ 78.14 Mb).
// The files written are overlays on debian-bookworm-slim.json (see src/spec.ts). The dpkg
// status lists Ubuntu's real package set and versions (sources/ubuntu-packages.mjs); their
// paragraphs reuse the Debian ones of the same (or the pre-t64) name.
import { readFileSync, writeFileSync } from "node:fs";
import { JAMMY, NOBLE } from "./sources/ubuntu-packages.mjs";

const data = new URL("../data/", import.meta.url);
const debian = JSON.parse(readFileSync(new URL("debian-bookworm-slim.json", data), "utf8"));

const EXCLUDES = `# Drop all man pages
path-exclude=/usr/share/man/*

# Drop all translations
path-exclude=/usr/share/locale/*/LC_MESSAGES/*.mo

# Drop all documentation ...
path-exclude=/usr/share/doc/*

# ... except copyright files ...
path-include=/usr/share/doc/*/copyright

# ... and Debian changelogs for native & non-native packages
path-include=/usr/share/doc/*/changelog.*

# Drop all help files
path-exclude=/usr/share/help/*

# Drop all info files
path-exclude=/usr/share/info/*

# Drop lintian overrides
path-exclude=/usr/share/lintian/overrides/*
`;

const JAMMY_SOURCES = `# See http://help.ubuntu.com/community/UpgradeNotes for how to upgrade to
# newer versions of the distribution.
deb http://archive.ubuntu.com/ubuntu/ jammy main restricted
# deb-src http://archive.ubuntu.com/ubuntu/ jammy main restricted

## Major bug fix updates produced after the final release of the
## distribution.
deb http://archive.ubuntu.com/ubuntu/ jammy-updates main restricted
# deb-src http://archive.ubuntu.com/ubuntu/ jammy-updates main restricted

## N.B. software from this repository is ENTIRELY UNSUPPORTED by the Ubuntu
## team. Also, please note that software in universe WILL NOT receive any
## review or updates from the Ubuntu security team.
deb http://archive.ubuntu.com/ubuntu/ jammy universe
# deb-src http://archive.ubuntu.com/ubuntu/ jammy universe
deb http://archive.ubuntu.com/ubuntu/ jammy-updates universe
# deb-src http://archive.ubuntu.com/ubuntu/ jammy-updates universe

## N.B. software from this repository is ENTIRELY UNSUPPORTED by the Ubuntu
## team, and may not be under a free licence. Please satisfy yourself as to
## your rights to use the software. Also, please note that software in
## multiverse WILL NOT receive any review or updates from the Ubuntu
## security team.
deb http://archive.ubuntu.com/ubuntu/ jammy multiverse
# deb-src http://archive.ubuntu.com/ubuntu/ jammy multiverse
deb http://archive.ubuntu.com/ubuntu/ jammy-updates multiverse
# deb-src http://archive.ubuntu.com/ubuntu/ jammy-updates multiverse

## N.B. software from this repository may not have been tested as
## extensively as that contained in the main release, although it includes
## newer versions of some applications which may provide useful features.
## Also, please note that software in backports WILL NOT receive any review
## or updates from the Ubuntu security team.
deb http://archive.ubuntu.com/ubuntu/ jammy-backports main restricted universe multiverse
# deb-src http://archive.ubuntu.com/ubuntu/ jammy-backports main restricted universe multiverse

deb http://security.ubuntu.com/ubuntu/ jammy-security main restricted
# deb-src http://security.ubuntu.com/ubuntu/ jammy-security main restricted
deb http://security.ubuntu.com/ubuntu/ jammy-security universe
# deb-src http://security.ubuntu.com/ubuntu/ jammy-security universe
deb http://security.ubuntu.com/ubuntu/ jammy-security multiverse
# deb-src http://security.ubuntu.com/ubuntu/ jammy-security multiverse
`;

const NOBLE_SOURCES = `Types: deb
URIs: http://archive.ubuntu.com/ubuntu/
Suites: noble noble-updates noble-backports
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb
URIs: http://security.ubuntu.com/ubuntu/
Suites: noble-security
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
`;

/** The dpkg status of an Ubuntu image: its package list, fields borrowed from Debian's paragraphs. */
function ubuntuStatus(debianStatus, list) {
  const paras = new Map();
  for (const block of debianStatus.split(/\n\n+/)) {
    const name = /^Package: (\S+)$/m.exec(block)?.[1];
    if (name) paras.set(name, block);
  }
  const debianName = (n) => [n, n.replace(/t64$/, ""), n.replace(/^gcc-\d+-base$/, "gcc-12-base"), n.replace(/^libunistring\d+$/, "libunistring2")]
    .find((c) => paras.has(c));
  // Ubuntu's renamed packages (t64, newer sonames): relations borrowed from Debian name them.
  const renames = new Map();
  for (const item of list.trim().split(/\s+/)) {
    const name = item.split("=")[0].split(":")[0];
    const base = debianName(name);
    if (base && base !== name) renames.set(base, name);
  }
  const renameRelations = (l) => (/^(Depends|Pre-Depends|Recommends|Suggests|Breaks|Replaces|Conflicts):/.test(l)
    ? l.replace(/([a-z0-9][a-z0-9+.-]*)/g, (w) => renames.get(w) ?? w) : l);
  const out = [];
  for (const item of list.trim().split(/\s+/).sort()) {
    const [nameArch, ...rest] = item.split("=");
    const version = rest.join("=");
    const [name, arch] = nameArch.split(":");
    const base = debianName(name);
    let lines;
    if (base) {
      lines = paras.get(base).split("\n").filter((l) => !/^(Source|Original-Maintainer):/.test(l)).map((l) => {
        if (l.startsWith("Package: ")) return `Package: ${name}`;
        if (l.startsWith("Version: ")) return `Version: ${version}`;
        if (l.startsWith("Maintainer: ")) return `Maintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\nOriginal-${l}`;
        return renameRelations(l);
      });
    } else {
      lines = [`Package: ${name}`, "Status: install ok installed", "Priority: important", "Section: libs", "Installed-Size: 100",
        "Maintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>", `Architecture: ${arch ?? "all"}`,
        ...(arch ? ["Multi-Arch: same"] : []), `Version: ${version}`, `Description: ${name} (Ubuntu package; no Debian counterpart in the tree)`];
    }
    out.push(lines.join("\n"));
  }
  return out.join("\n\n") + "\n\n";
}

const RELEASES = [
  { version: "22.04", point: "22.04.5", codename: "jammy", name: "Jammy Jellyfish", debianVersion: "bookworm/sid", size: 77_870_000,
    mtime: Math.floor(Date.parse("2026-01-09T07:01:44Z") / 1000), aliases: ["ubuntu:jammy"] },
  { version: "24.04", point: "24.04.2", codename: "noble", name: "Noble Numbat", debianVersion: "trixie/sid", size: 78_140_000,
    mtime: Math.floor(Date.parse("2026-05-20T01:37:22Z") / 1000), aliases: ["ubuntu:noble", "ubuntu:latest"] },
];

const pathOf = (line) => {
  const k = line[0];
  if (k === "l") return line.split(" ").slice(3).join(" ").split(" -> ")[0];
  if (k === "h") return line.slice(2).split(" => ")[0];
  const f = line.split(" ");
  return f.slice(k === "f" ? 5 : 4).join(" ");
};

for (const r of RELEASES) {
  const texts = { ...debian.texts };
  const entries = new Map(debian.entries.map((l) => [pathOf(l), l]));
  const setText = (path, text, mode = "0644", uid = 0, gid = 0) => {
    texts[path] = text;
    entries.set(path, `f ${mode} ${uid} ${gid} ${Buffer.byteLength(text)} ${path}`);
  };
  const drop = (path) => { entries.delete(path); delete texts[path]; };
  const osRelease = `PRETTY_NAME="Ubuntu ${r.point} LTS"\nNAME="Ubuntu"\nVERSION_ID="${r.version}"\n` +
    `VERSION="${r.point} LTS (${r.name})"\nVERSION_CODENAME=${r.codename}\nID=ubuntu\nID_LIKE=debian\n` +
    `HOME_URL="https://www.ubuntu.com/"\nSUPPORT_URL="https://help.ubuntu.com/"\nBUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\n` +
    `PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\nUBUNTU_CODENAME=${r.codename}\n` +
    (r.codename === "noble" ? "LOGO=ubuntu-logo\n" : "");
  setText("/usr/lib/os-release", osRelease);
  setText("/etc/lsb-release", `DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=${r.version}\nDISTRIB_CODENAME=${r.codename}\nDISTRIB_DESCRIPTION="Ubuntu ${r.point} LTS"\n`);
  setText("/etc/debian_version", r.debianVersion + "\n");
  setText("/etc/issue", `Ubuntu ${r.point} LTS \\n \\l\n\n`);
  setText("/etc/issue.net", `Ubuntu ${r.point} LTS\n`);
  setText("/etc/hostname", "");
  const status = ubuntuStatus(debian.texts["/var/lib/dpkg/status"], r.codename === "jammy" ? JAMMY : NOBLE);
  setText("/var/lib/dpkg/status", status);
  setText("/var/lib/dpkg/status-old", status);
  setText("/var/lib/apt/extended_states", status.split("\n\n").filter(Boolean).map((b) => {
    const name = /^Package: (\S+)$/m.exec(b)[1];
    const arch = /^Architecture: (\S+)$/m.exec(b)?.[1] ?? "amd64";
    return `Package: ${name}\nArchitecture: ${arch}\nAuto-Installed: 1\n`;
  }).join("\n"));
  drop("/etc/dpkg/origins/debian");
  setText("/etc/dpkg/origins/ubuntu", "Vendor: Ubuntu\nVendor-URL: http://www.ubuntu.com/\nBugs: https://bugs.launchpad.net/ubuntu/+filebug\nParent: Debian\n");
  entries.set("/etc/dpkg/origins/default", "l 0 0 /etc/dpkg/origins/default -> ubuntu");
  drop("/etc/dpkg/dpkg.cfg.d/docker");
  setText("/etc/dpkg/dpkg.cfg.d/excludes", EXCLUDES);
  drop("/etc/apt/sources.list.d/debian.sources");
  if (r.codename === "jammy") setText("/etc/apt/sources.list", JAMMY_SOURCES);
  else {
    setText("/etc/apt/sources.list", "# Ubuntu sources have moved to /etc/apt/sources.list.d/ubuntu.sources\n");
    setText("/etc/apt/sources.list.d/ubuntu.sources", NOBLE_SOURCES);
    texts["/etc/passwd"] += "ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash\n";
    texts["/etc/group"] += "ubuntu:x:1000:\n";
    texts["/etc/shadow"] += `ubuntu:!:${Math.floor(r.mtime / 86400)}:0:99999:7:::\n`;
    texts["/etc/gshadow"] += "ubuntu:!::\n";
    for (const p of ["/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"]) {
      const f = entries.get(p).split(" ");
      entries.set(p, `f ${f[1]} ${f[2]} ${f[3]} ${Buffer.byteLength(texts[p])} ${p}`);
    }
    entries.set("/home/ubuntu", "d 0750 1000 1000 /home/ubuntu");
    for (const n of [".bash_logout", ".bashrc", ".profile"]) {
      const src = texts[`/etc/skel/${n}`];
      if (src !== undefined) setText(`/home/ubuntu/${n}`, src, "0644", 1000, 1000);
    }
  }
  for (const key of Object.keys(texts)) if (key.startsWith("/usr/share/keyrings/debian")) drop(key);
  // Scale placeholders (files without real text) so the total is the real image's size.
  let textBytes = 0, placeholderBytes = 0, linkBytes = 0;
  for (const [p, l] of entries) {
    if (l[0] === "f") { const n = +l.split(" ")[4]; if (texts[p] !== undefined) textBytes += n; else placeholderBytes += n; }
    else if (l[0] === "l") linkBytes += Buffer.byteLength(l.split(" -> ").slice(1).join(" -> "));
  }
  const factor = Number(((r.size - textBytes - linkBytes) / placeholderBytes).toFixed(6));
  // Stored as an overlay on the Debian spec: what differs, and the factor (src/spec.ts applies it).
  const baseEntries = new Map(debian.entries.map((l) => [pathOf(l), l]));
  const set = {};
  for (const [p, l] of entries) if (baseEntries.get(p) !== l) set[p] = l;
  const dropped = [...baseEntries.keys()].filter((p) => !entries.has(p));
  const overlayTexts = Object.fromEntries(Object.entries(texts).filter(([p, t]) => entries.has(p) && debian.texts[p] !== t));
  const spec = {
    ref: `ubuntu:${r.version}`, aliases: r.aliases, distro: r.codename, mtime: r.mtime,
    source: `derived from debian-bookworm-slim.json: Ubuntu ${r.point} identity files, placeholder sizes scaled x${factor} to repo-info's ${r.size} B; scripts/gen-ubuntu.mjs`,
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/bash"],
      Labels: { "org.opencontainers.image.ref.name": "ubuntu", "org.opencontainers.image.version": r.version } },
    history: { created_by: `/bin/sh -c #(nop) ADD file:ubuntu-${r.codename}-oci-amd64-root.tar.gz in / ` },
    overlay: { base: "debian-bookworm-slim.json", scale: factor, set, drop: dropped },
    texts: overlayTexts,
  };
  const out = new URL(`ubuntu-${r.version}.json`, data);
  writeFileSync(out, JSON.stringify(spec, null, 1) + "\n");
  console.error(`${out.pathname}: overlay of ${Object.keys(set).length} entries, ${dropped.length} dropped (factor ${factor})`);
}

#!/usr/bin/env node
// Writes data/alpine-3.19.json and data/alpine-3.20.json from sources/alpine-packages.mjs:
// every package's installed size is shared out over its listed files by weight (weight 0 =
// a 1 KiB file); the .apk download size is taken as 40% of the installed size, the usual
// ratio of Alpine's gzip'd packages, unless a package says otherwise.
import { writeFileSync } from "node:fs";
import { PACKAGES } from "./sources/alpine-packages.mjs";

const data = new URL("../data/", import.meta.url);

function expandFiles(files, installedBytes) {
  const regs = [];
  const lines = [];
  const dirs = new Set();
  const addParents = (p) => {
    const parts = p.split("/").slice(1, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add("/" + parts.slice(0, i).join("/"));
  };
  for (const f of files) {
    if (f.includes(" -> ")) { const [p, t] = f.split(" -> "); addParents(p); lines.push({ p, line: `l ${p} -> ${t}` }); }
    else if (f.includes(" => ")) { const [p, t] = f.split(" => "); addParents(p); lines.push({ p, line: `h ${p} => ${t}` }); }
    else {
      const at = f.lastIndexOf(":");
      const p = f.slice(0, at);
      addParents(p);
      regs.push({ p, w: Number(f.slice(at + 1)) });
    }
  }
  const fixed = regs.filter((r) => r.w === 0).length * 1024;
  const totalW = regs.reduce((s, r) => s + r.w, 0);
  let left = Math.max(0, installedBytes - fixed);
  regs.forEach((r, i) => {
    const isLast = i === regs.length - 1 || regs.slice(i + 1).every((x) => x.w === 0);
    const size = r.w === 0 ? 1024 : isLast ? left : Math.floor(((installedBytes - fixed) * r.w) / totalW);
    if (r.w !== 0) left -= size;
    const exec = /\/(s?bin|libexec)\//.test(r.p) || /\.so(\.|$)/.test(r.p);
    lines.push({ p: r.p, line: `f ${exec ? 755 : 644} ${size} ${r.p}` });
  });
  const dirLines = [...dirs].sort().map((d) => ({ p: d, line: `d 755 ${d}` }));
  return [...dirLines, ...lines.sort((a, b) => (a.p < b.p ? -1 : a.p > b.p ? 1 : 0))].map((x) => x.line);
}

for (const [release, col] of [["3.19", 1], ["3.20", 2]]) {
  const packages = PACKAGES.map((row) => {
    const [name, v319, v320, kib, depends, provides, description, files] = row;
    const version = col === 1 ? v319 : v320;
    const installedSize = kib * 1024;
    // 3.20 ships python 3.12: its paths say so.
    const paths = release === "3.20" ? files.map((f) => f.replaceAll("python3.11", "python3.12").replaceAll("cpython-311", "cpython-312")) : files;
    return {
      name, version, installedSize, size: Math.round(installedSize * 0.4), description,
      depends, provides: provides.replaceAll("VER", version).replaceAll("python3.11", release === "3.20" ? "python3.12" : "python3.11"),
      files: expandFiles(paths, installedSize),
    };
  });
  const doc = {
    distro: `alpine-${release}`,
    source: "scripts/sources/alpine-packages.mjs (deps from aports APKBUILDs; installed sizes approximate, see README)",
    packages,
  };
  const out = new URL(`alpine-${release}.json`, data);
  writeFileSync(out, `{"distro":${JSON.stringify(doc.distro)},"source":${JSON.stringify(doc.source)},"packages":[\n` +
    packages.map((p) => JSON.stringify(p)).join(",\n") + "\n]}\n");
  console.error(`${out.pathname}: ${packages.length} packages`);
}

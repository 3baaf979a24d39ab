#!/usr/bin/env node
// Regenerates data/alpine-3.19.json and data/alpine-3.20.json from sources/alpine.mjs:
// the packages repo-info lists for each release, their files, busybox's applet links, and the
// apk database (/lib/apk/db/installed, /etc/apk/world) written in apk's own format. Estimated
// binary sizes ("est:") are scaled by one factor so the image totals repo-info's Virtual Size.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { BUSYBOX_APPLETS, META, RELEASES, TEXTS, packageFiles } from "./sources/alpine.mjs";

const here = new URL("../data/", import.meta.url);
const sha1 = (s) => createHash("sha1").update(s).digest();
const q1 = (buf) => "Q1" + sha1(buf).toString("base64");

function comparePaths(a, b) {
  const x = a.split("/"), y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return Buffer.compare(Buffer.from(x[i]), Buffer.from(y[i]));
  }
  return x.length - y.length;
}

function generate(version) {
  const rel = RELEASES[version];
  const minor = version;
  const mtime = Math.floor(Date.parse(rel.created) / 1000);
  const texts = {
    ...TEXTS,
    alpine_release: rel.release + "\n",
    issue: `Welcome to Alpine Linux ${minor}\nKernel \\r on an \\m (\\l)\n\n`,
    os_release: `NAME="Alpine Linux"\nID=alpine\nVERSION_ID=${rel.release}\nPRETTY_NAME="Alpine Linux v${minor}"\n` +
      `HOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n`,
    busybox_paths: Object.entries(BUSYBOX_APPLETS)
      .flatMap(([dir, list]) => list.trim().split(/\s+/).map((a) => `${dir}/${a}`)).sort().join("\n") + "\n",
  };
  const files = packageFiles(rel);
  const pkgNames = Object.keys(rel.packages).sort();

  // Scale the estimated sizes so the whole image adds up to repo-info's figure.
  const byPath = new Map(); // path -> {kind, mode, size|target, text}
  let fixed = 0, estimated = 0;
  const plan = [];
  for (const name of pkgNames) {
    for (const f of files[name]) {
      plan.push([name, f]);
      if (f[1] === "->") fixed += Buffer.byteLength(f[2]);
      else if (typeof f[2] === "number") fixed += f[2];
      else if (typeof f[2] === "string" && f[2].startsWith("text:")) fixed += Buffer.byteLength(texts[f[2].slice(5)]);
      else if (typeof f[2] === "string" && f[2].startsWith("est:")) estimated += +f[2].slice(4);
    }
  }
  const applets = Object.entries(BUSYBOX_APPLETS).flatMap(([dir, list]) => list.trim().split(/\s+/).map((a) => `${dir}/${a}`));
  fixed += applets.length * "/bin/busybox".length;
  const dbFiles = ["lib/apk/db/installed", "etc/apk/world", "etc/apk/repositories", "etc/apk/arch", "lib/apk/db/triggers"];
  const scriptsTarSize = 10240;
  // The db's own size depends on the scaled sizes only through digits; estimate it first.
  const dbEstimate = 12000;
  const factor = (rel.virtualSize - fixed - dbEstimate - scriptsTarSize) / estimated;

  for (const [pkg, f] of plan) {
    const [p, a, b] = f;
    if (p.endsWith("/")) byPath.set(p.slice(0, -1), { pkg, kind: "d", mode: a });
    else if (a === "->") byPath.set(p, { pkg, kind: "l", target: b });
    else if (typeof b === "string" && b.startsWith("text:")) byPath.set(p, { pkg, kind: "f", mode: a, text: texts[b.slice(5)] });
    else if (typeof b === "string" && b.startsWith("est:")) byPath.set(p, { pkg, kind: "f", mode: a, size: Math.round(+b.slice(4) * factor) });
    else byPath.set(p, { pkg, kind: "f", mode: a, size: b });
  }
  for (const a of applets) if (!byPath.has(a)) byPath.set(a, { kind: "l", target: "/bin/busybox" });

  // apk database
  const world = rel.world.slice().sort().join("\n") + "\n";
  const repositories = `https://dl-cdn.alpinelinux.org/alpine/v${minor}/main\nhttps://dl-cdn.alpinelinux.org/alpine/v${minor}/community\n`;
  const installed = [];
  for (const name of pkgNames) {
    const [ver, kib] = rel.packages[name];
    const m = META[name];
    const lines = [`C:${q1(name + "-" + ver)}`, `P:${name}`, `V:${ver}`, "A:x86_64", `S:${Math.round(kib * 1024 * 0.42)}`,
      `I:${kib * 1024}`, `T:${m.T}`, `U:${m.U}`, `L:${m.L}`, `o:${m.o}`, "m:Natanael Copa <ncopa@alpinelinux.org>",
      `t:${mtime}`, `c:${sha1(m.o + ver).toString("hex")}`];
    if (m.D) lines.push(`D:${m.D.replaceAll("VER", ver)}`);
    if (m.p) lines.push(`p:${m.p.replaceAll("VER", ver)}`);
    if (m.i) lines.push(`i:${m.i.replaceAll("VER", rel.packages.busybox[0])}`);
    let dir = null;
    const own = [...byPath.entries()].filter(([, e]) => e.pkg === name).sort((x, y) => comparePaths(x[0], y[0]));
    for (const [p, e] of own) {
      if (e.kind === "d") {
        lines.push(`F:${p}`); dir = p;
        if (e.mode !== 0o755) lines.push(`M:0:0:${e.mode.toString(8)}`);
        continue;
      }
      const parent = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "";
      if (parent !== dir) { lines.push(`F:${parent}`); dir = parent; }
      lines.push(`R:${p.slice(p.lastIndexOf("/") + 1)}`);
      if (e.kind === "f" && e.mode !== 0o644) lines.push(`a:0:0:${e.mode.toString(8)}`);
      const content = e.kind === "l" ? e.target : e.text ?? Buffer.alloc(e.size);
      lines.push(`Z:${q1(content)}`);
    }
    installed.push(lines.join("\n") + "\n");
  }
  const installedText = installed.join("\n") + "\n";
  const busyboxC = q1("busybox-" + rel.packages.busybox[0]);
  const db = {
    "lib/apk/db/installed": installedText, "etc/apk/world": world, "etc/apk/repositories": repositories,
    "etc/apk/arch": "x86_64\n", "lib/apk/db/triggers": `${busyboxC} /bin /usr/bin /sbin /usr/sbin /lib/modules/*\n`,
  };
  for (const d of ["lib/apk/db"]) byPath.set(d, { kind: "d", mode: 0o755 });
  for (const p of dbFiles) byPath.set(p, { kind: "f", mode: 0o644, text: db[p] });
  byPath.set("lib/apk/db/lock", { kind: "f", mode: 0o600, size: 0 });
  byPath.set("lib/apk/db/scripts.tar", { kind: "f", mode: 0o644, size: scriptsTarSize });

  // parents of everything
  for (const p of [...byPath.keys()]) {
    for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) {
      const d = p.slice(0, i);
      if (!byPath.has(d)) byPath.set(d, { kind: "d", mode: 0o755 });
    }
  }
  const entries = [];
  const outTexts = {};
  let size = 0;
  for (const p of [...byPath.keys()].sort(comparePaths)) {
    const e = byPath.get(p);
    const abs = "/" + p;
    if (e.kind === "d") entries.push(`d ${e.mode.toString(8).padStart(4, "0")} 0 0 ${abs}`);
    else if (e.kind === "l") { entries.push(`l 0 0 ${abs} -> ${e.target}`); size += Buffer.byteLength(e.target); }
    else {
      const n = e.text !== undefined ? Buffer.byteLength(e.text) : e.size;
      entries.push(`f ${e.mode.toString(8).padStart(4, "0")} 0 ${p === "etc/shadow" ? 42 : 0} ${n} ${abs}`);
      if (e.text !== undefined) outTexts[abs] = e.text;
      size += n;
    }
  }
  const spec = {
    ref: `alpine:${minor}`,
    aliases: version === "3.20" ? [`alpine:${rel.release}`, "alpine:3", "alpine:latest"] : [`alpine:${rel.release}`],
    distro: `alpine-${minor}`,
    mtime,
    source: `repo-info alpine:${rel.release} package list and sizes (Virtual Size ${rel.virtualSize} B); file layout per package from sources/alpine.mjs; scripts/gen-alpine.mjs`,
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sh"] },
    history: { created_by: `/bin/sh -c #(nop) ADD file:${createHash("sha256").update("alpine-minirootfs-" + rel.release).digest("hex")} in / ` },
    size, entries, texts: outTexts,
  };
  const out = new URL(`alpine-${minor}.json`, here);
  writeFileSync(out, JSON.stringify(spec).replace(/","/g, '",\n"') + "\n");
  console.error(`${out.pathname}: ${entries.length} entries, ${size} bytes (target ${rel.virtualSize}, est. factor ${factor.toFixed(3)})`);
}

for (const v of Object.keys(RELEASES)) generate(v);

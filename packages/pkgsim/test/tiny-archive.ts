import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import * as openpgp from "openpgp";
import { pack } from "tar-stream";
import { RootFS } from "@tsbuild/fs-snapshot";
import { rootWriter, serveFiles } from "./support.js";

/**
 * A tiny signed Debian archive served on 127.0.0.1, built in the test: .debs made here (ar +
 * control.tar.gz + data.tar.gz), a Packages index (plain and gzip), an InRelease clearsigned with
 * a key made here. Enough for apt-get update/install to run against it without the network.
 */
export interface DebSpec {
  name: string;
  version: string;
  arch?: string;
  fields?: Record<string, string>;
  files: Array<{ path: string; type?: "file" | "dir" | "symlink" | "link"; data?: string; mode?: number; uid?: number; gid?: number; target?: string }>;
  conffiles?: string[];
  scripts?: Record<string, string>;
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const md5 = (b: Uint8Array | string) => createHash("md5").update(b).digest("hex");

async function tar(entries: Array<{ name: string; type: "file" | "directory" | "symlink" | "link"; data?: Buffer; mode: number; uid?: number; gid?: number; linkname?: string }>): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((ok) => p.on("end", ok));
  for (const e of entries) {
    p.entry({ name: e.name, type: e.type, mode: e.mode, uid: e.uid ?? 0, gid: e.gid ?? 0, uname: "root", gname: "root", mtime: new Date("2024-01-02T03:04:05Z"), linkname: e.linkname, size: e.data?.length ?? 0 }, e.data ?? Buffer.alloc(0));
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

function ar(members: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [Buffer.from("!<arch>\n")];
  for (const m of members) {
    const head = m.name.padEnd(16) + "0".padEnd(12) + "0".padEnd(6) + "0".padEnd(6) + "100644".padEnd(8) + String(m.data.length).padEnd(10) + "`\n";
    parts.push(Buffer.from(head, "latin1"), m.data);
    if (m.data.length % 2) parts.push(Buffer.from("\n"));
  }
  return Buffer.concat(parts);
}

export async function buildDeb(s: DebSpec): Promise<{ deb: Buffer; control: string }> {
  const dirs = new Set<string>();
  for (const f of s.files) {
    const parts = f.path.split("/").filter(Boolean);
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  const dataEntries = [
    { name: "./", type: "directory" as const, mode: 0o755 },
    ...[...dirs].sort().filter((d) => !s.files.some((f) => f.type === "dir" && f.path.slice(1) === d)).map((d) => ({ name: `./${d}/`, type: "directory" as const, mode: 0o755 })),
    ...s.files.map((f) => f.type === "symlink" ? { name: `.${f.path}`, type: "symlink" as const, mode: 0o777, linkname: f.target }
      : f.type === "link" ? { name: `.${f.path}`, type: "link" as const, mode: f.mode ?? 0o644, linkname: `.${f.target}` }
      : f.type === "dir" ? { name: `.${f.path}/`, type: "directory" as const, mode: f.mode ?? 0o755, uid: f.uid, gid: f.gid }
      : { name: `.${f.path}`, type: "file" as const, mode: f.mode ?? 0o644, uid: f.uid, gid: f.gid, data: Buffer.from(f.data ?? "") }),
  ];
  const md5sums = s.files.filter((f) => (f.type ?? "file") === "file" && !s.conffiles?.includes(f.path)).map((f) => `${md5(f.data ?? "")}  ${f.path.slice(1)}\n`).join("");
  const installedKiB = Math.ceil(s.files.reduce((n, f) => n + (f.data?.length ?? 0), 0) / 1024) || 1;
  const control = [
    `Package: ${s.name}`, `Version: ${s.version}`, `Architecture: ${s.arch ?? "amd64"}`, "Maintainer: Test <t@example.invalid>",
    `Installed-Size: ${installedKiB}`, ...Object.entries(s.fields ?? {}).map(([k, v]) => `${k}: ${v}`), "Section: misc", "Priority: optional",
    `Description: ${s.name} for tests`, " A package built by the test.",
  ].join("\n") + "\n";
  const ctl = [
    { name: "./", type: "directory" as const, mode: 0o755 },
    { name: "./control", type: "file" as const, mode: 0o644, data: Buffer.from(control) },
    { name: "./md5sums", type: "file" as const, mode: 0o644, data: Buffer.from(md5sums) },
    ...(s.conffiles?.length ? [{ name: "./conffiles", type: "file" as const, mode: 0o644, data: Buffer.from(s.conffiles.join("\n") + "\n") }] : []),
    ...Object.entries(s.scripts ?? {}).map(([n, body]) => ({ name: `./${n}`, type: "file" as const, mode: 0o755, data: Buffer.from(body) })),
  ];
  const deb = ar([
    { name: "debian-binary", data: Buffer.from("2.0\n") },
    { name: "control.tar.gz", data: gzipSync(await tar(ctl)) },
    { name: "data.tar.gz", data: gzipSync(await tar(dataEntries)) },
  ]);
  return { deb, control };
}

export interface TinyArchive {
  base: string;
  suite: string;
  armoredKey: string;
  files: Map<string, Buffer>;
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** Serves `debs` as suite `tiny`, component main, amd64; `tamper` changes what is served for a path. */
export async function serveArchive(specs: DebSpec[], o: { key?: openpgp.PrivateKey; extraDebs?: Map<string, Buffer> } = {}): Promise<TinyArchive & { sign(text: string): Promise<string>; key: openpgp.PrivateKey }> {
  const key = o.key ?? (await openpgp.generateKey({ userIDs: [{ name: "tsbuild test archive" }], format: "object" })).privateKey;
  const files = new Map<string, Buffer>();
  const stanzas: string[] = [];
  for (const s of specs) {
    const { deb, control } = await buildDeb(s);
    const path = `pool/main/${s.name[0]}/${s.name}/${s.name}_${s.version}_${s.arch ?? "amd64"}.deb`;
    files.set(path, deb);
    stanzas.push(control.replace(/^Description:/m, `Filename: ${path}\nSize: ${deb.length}\nSHA256: ${sha256(deb)}\nDescription:`));
  }
  const packages = Buffer.from(stanzas.join("\n"));
  const gz = gzipSync(packages);
  files.set("dists/tiny/main/binary-amd64/Packages", packages);
  files.set("dists/tiny/main/binary-amd64/Packages.gz", gz);
  const release = [
    "Origin: tsbuild-test", "Suite: tiny", "Codename: tiny", "Architectures: amd64", "Components: main", "Date: Tue, 02 Jan 2024 03:04:05 UTC",
    "SHA256:",
    ` ${sha256(packages)} ${packages.length} main/binary-amd64/Packages`,
    ` ${sha256(gz)} ${gz.length} main/binary-amd64/Packages.gz`,
  ].join("\n") + "\n";
  const sign = async (text: string) => String(await openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: key }));
  files.set("dists/tiny/InRelease", Buffer.from(await sign(release)));
  const served = await serveFiles(files);
  return {
    base: served.base, suite: "tiny", armoredKey: key.toPublic().armor(), files, hits: served.hits, key, sign,
    close: served.close,
  };
}

/** A minimal real-looking Debian root: an ELF dpkg (so pkgsim takes the real archive), sources, keyring, status. */
export function debianRoot(a: TinyArchive, o: { dockerClean?: boolean; pathExclude?: boolean } = {}): RootFS {
  const fs = new RootFS({ defaultMtime: new Date("2025-01-01T00:00:00Z") });
  const root = { uid: 0, gid: 0 };
  const w = rootWriter(fs);
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]);
  w("/usr/bin/dpkg", elf, 0o755);
  w("/bin/sh", elf, 0o755); // dash: the shell that runs maintainer scripts
  w("/etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n');
  w("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n");
  w("/etc/apt/keyrings/tiny.asc", a.armoredKey);
  w("/etc/apt/sources.list.d/tiny.sources", `Types: deb\nURIs: ${a.base}\nSuites: tiny\nComponents: main\nSigned-By: /etc/apt/keyrings/tiny.asc\n`);
  w("/var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nMulti-Arch: same\nVersion: 2.36-9\nDescription: libc\n\n");
  fs.mkdir("/var/lib/dpkg/info", { recursive: true, mode: 0o755, owner: root });
  fs.mkdir("/usr/share/doc", { recursive: true, mode: 0o755, owner: root });
  if (o.pathExclude) w("/etc/dpkg/dpkg.cfg.d/excludes", "path-exclude=/usr/share/doc/*\npath-include=/usr/share/doc/*/copyright\n");
  if (o.dockerClean) w("/etc/apt/apt.conf.d/docker-clean", 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n');
  return fs;
}

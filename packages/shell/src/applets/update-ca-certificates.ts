import { createHash, X509Certificate } from "node:crypto";
import type { ProcessFs } from "../sandbox/process-fs.js";
import { describeError } from "../util/errors.js";
import { basename, joinPath, resolvePath } from "../util/paths.js";
import { subjectHash } from "../util/x509-name-hash.js";
import type { Applet, AppletContext } from "./applet.js";

/**
 * Debian's update-ca-certificates (ca-certificates 20230311, the script its postinst runs), with
 * the `openssl rehash .` it calls: /etc/ssl/certs gets a `NAME.pem` link to each certificate
 * /etc/ca-certificates.conf selects (and to those under /usr/local/share/ca-certificates), a
 * `HASH.N` link to each of those named after OpenSSL's subject hash, and ca-certificates.crt,
 * their concatenation. Same options, messages and order of work as the script.
 */
export const updateCaCertificates: Applet = (ctx) => {
  const o = {
    verbose: false, fresh: false, default: false,
    conf: "/etc/ca-certificates.conf", certs: "/usr/share/ca-certificates", local: "/usr/local/share/ca-certificates",
    bundle: "ca-certificates.crt", etc: "/etc/ssl/certs", hooks: "/etc/ca-certificates/update.d",
  };
  const a = ctx.args;
  for (let i = 0; i < a.length; i++) {
    const v = () => a[++i] ?? "";
    switch (a[i]) {
      case "--verbose": case "-v": o.verbose = true; break;
      case "--fresh": case "-f": o.fresh = true; break;
      case "--default": case "-d": o.default = true; o.fresh = true; break;
      case "--certsconf": o.conf = v(); break;
      case "--certsdir": o.certs = v(); break;
      case "--localcertsdir": o.local = v(); break;
      case "--certbundle": o.bundle = v(); break;
      case "--etccertsdir": o.etc = v(); break;
      case "--hooksdir": o.hooks = v(); break;
      default:
        ctx.stdout(`${ctx.argv0}: [--verbose] [--fresh]\n`);
        return 0;
    }
  }
  const fs = ctx.fs;
  const abs = (p: string) => ctx.resolve(p);
  const conf = fs.tryStat(abs(o.conf));
  if (!conf || conf.size === 0) o.fresh = true;

  // The script's two mktemp files: made, and removed when it exits.
  const tmp = abs(ctx.env.TMPDIR || "/tmp");
  const helpers = [0, 1].map(() => joinPath(tmp, `ca-certificates.tmp.${randomSuffix()}`));
  try {
    for (const h of helpers) fs.writeFile(h, Buffer.alloc(0), { mode: 0o600 });
  } catch (e) {
    ctx.stderr(`mktemp: failed to create file via template '${joinPath(tmp, "ca-certificates.tmp.XXXXXX")}': ${describeError(e)}\n`);
    return 1;
  }
  try {
    return run(ctx, o, fs, abs);
  } finally {
    for (const h of helpers) if (fs.tryLstat(h)) fs.remove(h);
  }
};

type Options = { verbose: boolean; fresh: boolean; default: boolean; conf: string; certs: string; local: string; bundle: string; etc: string; hooks: string };

function run(ctx: AppletContext, o: Options, fs: ProcessFs, abs: (p: string) => string): number {
  const etc = abs(o.etc);
  if (fs.tryStat(etc)?.type !== "dir") {
    ctx.stderr(`${ctx.argv0}: cd: can't cd to ${o.etc}\n`);
    return 2;
  }
  const tempBundle = joinPath(etc, `${basename(o.bundle)}.new`);
  const added: string[] = [];
  const removed: string[] = [];
  const links = () => fs.readdir(etc).filter((n) => fs.tryLstat(joinPath(etc, n))?.type === "symlink");

  if (o.fresh) {
    ctx.stdout(`Clearing symlinks in ${o.etc}...\n`);
    for (const n of links()) {
      const target = fs.readlink(joinPath(etc, n));
      if (target.startsWith(o.certs) || target.startsWith(o.local)) fs.remove(joinPath(etc, n));
    }
    for (const n of links()) if (fs.tryStat(joinPath(etc, n))?.type !== "file") fs.remove(joinPath(etc, n));
    ctx.stdout("done.\n");
  }
  ctx.stdout(`Updating certificates in ${o.etc}...\n`);

  const add = (cert: string) => {
    const name = basename(cert).replace(/\.crt$/, "").replace(/ /g, "_").replace(/[()]/g, "=").replace(/,/g, "_");
    const pem = joinPath(etc, `${name}.pem`);
    const link = fs.tryLstat(pem);
    if (!fs.tryStat(pem) || link?.type !== "symlink" || fs.readlink(pem) !== cert) {
      if (link) fs.remove(pem);
      fs.symlink(cert, pem);
      added.push(`+${joinPath(o.etc, `${name}.pem`)}`);
    }
    // sed -e '$a\' adds a missing last newline (#635570).
    let data = fs.readFile(abs(cert));
    if (data.length && data[data.length - 1] !== 0x0a) data = Buffer.concat([data, Buffer.from("\n")]);
    fs.writeFile(tempBundle, data, { append: true });
  };

  if (o.default) for (const crt of findCrts(fs, abs(o.certs), o.certs)) add(crt);
  const lines = fs.tryStat(abs(o.conf))?.type === "file" ? fs.readFile(abs(o.conf)).toString("utf8").split("\n") : [];
  // `while read crt`: surrounding blanks go.
  const entries = lines.filter((l) => l !== "").map((l) => l.trim());
  for (const l of entries.filter((e) => e.startsWith("!"))) {
    const pem = joinPath(etc, `${basename(`${o.certs}/${l.slice(1)}`).replace(/\.crt$/, "")}.pem`);
    if (fs.tryLstat(pem)?.type === "symlink") {
      fs.remove(pem);
      removed.push(`-${joinPath(o.etc, basename(pem))}`);
    }
  }
  for (const crt of entries.filter((e) => e && !e.startsWith("#") && !e.startsWith("!"))) {
    const path = `${o.certs}/${crt}`;
    if (fs.tryStat(abs(path))?.type !== "file") {
      ctx.stderr(`W: ${path} not found, but listed in ${o.conf}.\n`);
      continue;
    }
    add(path);
  }
  if (fs.tryStat(abs(o.local))?.type === "dir") for (const crt of findCrts(fs, abs(o.local), o.local)) add(crt);

  if (added.length || removed.length) {
    for (const orphan of danglingLinks(fs, etc)) {
      fs.remove(orphan);
      if (o.verbose) ctx.stdout(`Removed orphan symlink ${orphan}\n`);
    }
    rehash(ctx, fs, etc, o.verbose);
  }
  if (fs.tryStat(tempBundle)?.type === "file") {
    fs.chmod(tempBundle, 0o644);
    fs.rename(tempBundle, resolvePath(etc, o.bundle));
  }
  ctx.stdout(`${added.length} added, ${removed.length} removed; done.\n`);

  const hooks = abs(o.hooks);
  if (fs.tryStat(hooks)?.type === "dir") {
    ctx.stdout(`Running hooks in ${o.hooks}...\n`);
    // run-parts --test: executable files with names of letters, digits, _ and -, in name order.
    const runnable = fs.readdir(hooks).filter((n) => /^[A-Za-z0-9_-]+$/.test(n) && fs.tryStat(joinPath(hooks, n))?.type === "file" && (fs.stat(joinPath(hooks, n)).mode & 0o111) !== 0);
    for (const n of runnable) ctx.stderr(`E: ${joinPath(o.hooks, n)} was not run: tsbuild does not run update-ca-certificates hooks\n`);
    ctx.stdout("done.\n");
  }
  return 0;
}

/** `find -L DIR -type f -name '*.crt' | sort`, as the paths find prints. */
function findCrts(fs: ProcessFs, dir: string, shown: string): string[] {
  const out: string[] = [];
  const walk = (d: string, s: string) => {
    for (const n of fs.readdir(d)) {
      const p = joinPath(d, n);
      const st = fs.tryStat(p);
      if (st?.type === "dir") walk(p, `${s}/${n}`);
      else if (st?.type === "file" && n.endsWith(".crt")) out.push(`${s}/${n}`);
    }
  };
  if (fs.tryStat(dir)?.type === "dir") walk(dir, shown.replace(/\/+$/, ""));
  return out.sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
}

function danglingLinks(fs: ProcessFs, dir: string): string[] {
  const out: string[] = [];
  for (const n of fs.readdir(dir)) {
    const p = joinPath(dir, n);
    const l = fs.tryLstat(p);
    if (l?.type === "symlink" && !fs.tryStat(p)) out.push(p);
    else if (l?.type === "dir") out.push(...danglingLinks(fs, p));
  }
  return out;
}

const HASH_LINK = /^[0-9a-f]{8}\.[0-9]+$/;
const CERT_SUFFIX = /\.(pem|crt|cer|crl)$/i;

/**
 * `openssl rehash DIR` (OpenSSL 3.0's apps/rehash.c) for certificates: entries in name order;
 * a `HASH.N` link that exists is kept for the file it names, every other certificate gets the
 * lowest free N of its subject hash; a certificate already seen (same SHA-1 fingerprint) is
 * skipped with a warning, as is a file without exactly one certificate; stale hash links go.
 */
function rehash(ctx: AppletContext, fs: ProcessFs, dir: string, verbose: boolean): void {
  interface Entry { file: string; oldId?: number; need: boolean; digest?: string }
  const buckets = new Map<string, Entry[]>();
  const bucket = (h: string) => buckets.get(h) ?? buckets.set(h, []).get(h)!;
  if (verbose) ctx.stdout(`Doing .\n`);
  const names = [...fs.readdir(dir)].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  for (const name of names) {
    const p = joinPath(dir, name);
    const l = fs.tryLstat(p);
    if (!l) continue;
    if (l.type === "symlink" && HASH_LINK.test(name)) {
      const [h, id] = name.split(".");
      const target = fs.readlink(p);
      const list = bucket(h);
      let e = list.find((x) => x.file === target);
      if (!e) list.push((e = { file: target, need: false }));
      e.oldId = Math.min(e.oldId ?? Infinity, Number(id));
      continue;
    }
    if (!CERT_SUFFIX.test(name)) continue;
    const st = fs.tryStat(p);
    if (st?.type !== "file") continue;
    const text = fs.readFile(p).toString("latin1");
    const pems = text.match(/-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----[\s\S]*?-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g) ?? [];
    let cert: X509Certificate | undefined;
    try {
      if (pems.length === 1) cert = new X509Certificate(pems[0]);
    } catch {
      cert = undefined;
    }
    if (!cert) {
      ctx.stderr(`rehash: warning: skipping ${name},it does not contain exactly one certificate or CRL\n`);
      continue;
    }
    const h = subjectHash(cert);
    const digest = createHash("sha1").update(cert.raw).digest("hex");
    const list = bucket(h);
    if (list.some((e) => e.digest === digest)) {
      ctx.stderr(`rehash: warning: skipping duplicate certificate in ${name}\n`);
      continue;
    }
    let e = list.find((x) => x.file === name);
    if (!e) list.push((e = { file: name, need: false }));
    if (!e.need) {
      e.need = true;
      e.digest = digest;
    }
  }
  for (const [h, list] of buckets) {
    const needed = list.filter((e) => e.need).length;
    const used = new Set(list.filter((e) => e.oldId !== undefined && e.oldId < needed).map((e) => e.oldId as number));
    let next = 0;
    for (const e of list) {
      if (e.oldId !== undefined && e.oldId < needed) {
        if (verbose) ctx.stdout(`link ${e.file} -> ${h}.${e.oldId}\n`);
      } else if (e.need) {
        while (used.has(next)) next++;
        const link = joinPath(dir, `${h}.${next}`);
        if (verbose) ctx.stdout(`link ${e.file} -> ${h}.${next}\n`);
        if (fs.tryLstat(link)) fs.remove(link);
        fs.symlink(e.file, link);
        used.add(next);
      } else if (e.oldId !== undefined) {
        if (verbose) ctx.stdout(`unlink ${h}.${e.oldId}\n`);
        const link = joinPath(dir, `${h}.${e.oldId}`);
        if (fs.tryLstat(link)) fs.remove(link);
      }
    }
  }
}

function randomSuffix(): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let s = "";
  for (let i = 0; i < 6; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}

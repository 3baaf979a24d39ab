import type { Fetcher } from "@tsbuild/fetch";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import { catalog } from "../catalog/load.js";
import type { Catalog, Distro } from "../catalog/types.js";
import type { SimCommand, SimCommandContext } from "../sim-types.js";
import { readText } from "../util/fsutil.js";
import { outOf, type Out } from "../util/output.js";
import { readInstalled, writeInstalled, writeWorld, type InstalledPackage } from "./db.js";
import { planAdd } from "./add-plan.js";
import { planDel } from "./del-plan.js";
import { ensureIndexes, packageCacheDir, updateSummary } from "./repos.js";
import { cachePackage, recordFor, removeFiles, unpackFiles } from "./transaction.js";
import { realApk } from "./real/apk-real.js";
import { apkArch } from "./real/repos.js";

interface Options {
  noCache: boolean;
  update: boolean;
  virtual?: string;
  quiet: boolean;
  args: string[];
}

const USAGE = "usage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]";

function parseArgs(argv: string[]): { cmd?: string; opts: Options; bad?: string } {
  const opts: Options = { noCache: false, update: false, quiet: false, args: [] };
  let cmd: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--no-cache") opts.noCache = true;
    else if (a === "-U" || a === "--update-cache" || a === "--update") opts.update = true;
    else if (a === "-t" || a === "--virtual") {
      if (i + 1 >= argv.length) return { opts, bad: `apk: option '${a}' requires an argument` };
      opts.virtual = argv[++i];
    } else if (a.startsWith("--virtual=")) opts.virtual = a.slice(10);
    else if (a === "-q" || a === "--quiet") opts.quiet = true;
    else if (a === "-X" || a === "--repository" || a === "-p" || a === "--root" || a === "--keys-dir" || a === "--arch") i++;
    else if (a.startsWith("-")) continue; // --no-progress, --allow-untrusted, -v, --force-*, --purge, --clean-protected …
    else if (!cmd) cmd = a;
    else opts.args.push(a);
  }
  return { cmd, opts };
}

/** Which catalog applies: from /etc/alpine-release (3.19.9 → alpine-3.19). */
export function alpineRelease(fs: FileSystem): { minor: string; full: string } | undefined {
  const full = (readText(fs, "/etc/alpine-release") ?? "").trim();
  const m = /^(\d+\.\d+)/.exec(full);
  return m ? { minor: m[1], full } : undefined;
}

function totalLine(pkgs: InstalledPackage[]): string {
  const bytes = pkgs.reduce((s, p) => s + p.installedSize, 0);
  return `OK: ${Math.round(bytes / (1024 * 1024))} MiB in ${pkgs.length} packages`;
}

function triggers(out: Out, installed: InstalledPackage[], changed: Array<{ files: string[] }>): void {
  const touchesBin = changed.some((p) => p.files.some((f) => /^\/(usr\/)?s?bin\//.test(f)));
  const busybox = installed.find((p) => p.name === "busybox");
  if (touchesBin && busybox) out.out(`Executing busybox-${busybox.version}.trigger`);
  const ca = installed.find((p) => p.name === "ca-certificates");
  if (ca && changed.some((p) => p.files.some((f) => f.startsWith("/usr/share/ca-certificates") || f.startsWith("/etc/ssl")))) {
    out.out(`Executing ca-certificates-${ca.version}.trigger`);
  }
}

class Apk {
  private out: Out;
  private fs: FileSystem;
  constructor(private ctx: SimCommandContext, private cat: Catalog, private rel: { minor: string; full: string }) {
    this.out = outOf(ctx);
    this.fs = ctx.fs;
  }

  private needRoot(): number | undefined {
    if (this.ctx.owner.uid === 0) return undefined;
    this.out.err("ERROR: Unable to lock database: Permission denied");
    this.out.err("ERROR: Failed to open apk database: Permission denied");
    return 99;
  }

  update(opts: Options): number {
    ensureIndexes(this.fs, this.out, this.rel.minor, { force: true, noCache: opts.noCache });
    updateSummary(this.fs, this.out, this.rel.minor, this.rel.full);
    return 0;
  }

  add(opts: Options): number {
    if (opts.args.length === 0) { this.out.err(USAGE); return 1; }
    ensureIndexes(this.fs, this.out, this.rel.minor, { force: opts.update, noCache: opts.noCache });
    const now = this.ctx.now?.() ?? new Date();
    const planned = planAdd(this.fs, opts.args, opts.virtual, now, { packages: this.cat.names().map((n) => this.cat.get(n)!) }, this.out);
    if (planned === 1) return 1;
    const { newWorld, virtual, toInstall } = planned;
    const records = [...planned.kept];
    const cacheDir = opts.noCache ? undefined : packageCacheDir(this.fs);
    const buildTime = Math.floor(now.getTime() / 1000);
    const added: InstalledPackage[] = [];
    toInstall.forEach((c, i) => {
      this.out.out(`(${i + 1}/${toInstall.length}) Installing ${c.name} (${c.version})`);
      let rec: InstalledPackage;
      if (c.info) {
        const files = c.info.files();
        unpackFiles(this.fs, files);
        if (cacheDir) cachePackage(this.fs, cacheDir, c.info);
        rec = recordFor(c.info, files, buildTime);
      } else {
        rec = virtual!;
      }
      records.push(rec);
      added.push(rec);
    });
    writeInstalled(this.fs, records);
    writeWorld(this.fs, newWorld);
    triggers(this.out, records, added);
    this.out.out(totalLine(records));
    return 0;
  }

  del(opts: Options): number {
    if (opts.args.length === 0) { this.out.err(USAGE); return 1; }
    const plan = planDel(this.fs, opts.args, this.out);
    if (plan === 1) return 1;
    const { newWorld, toRemove, remaining } = plan;
    toRemove.forEach((p, i) => {
      this.out.out(`(${i + 1}/${toRemove.length}) Purging ${p.name} (${p.version})`);
      removeFiles(this.fs, p, remaining);
    });
    writeInstalled(this.fs, remaining);
    writeWorld(this.fs, newWorld);
    triggers(this.out, remaining, toRemove);
    this.out.out(totalLine(remaining));
    return 0;
  }

  upgrade(opts: Options): number {
    ensureIndexes(this.fs, this.out, this.rel.minor, { force: opts.update, noCache: opts.noCache });
    this.out.out(totalLine(readInstalled(this.fs)));
    return 0;
  }

  info(opts: Options): number {
    const installed = readInstalled(this.fs);
    const flags = this.ctx.argv.filter((a) => /^-[a-zA-Z]+$/.test(a) && a !== "-q");
    if (opts.args.length === 0) {
      for (const p of installed) this.out.out(flags.includes("-v") ? `${p.name}-${p.version}` : p.name);
      return 0;
    }
    let rc = 0;
    for (const name of opts.args) {
      const rec = installed.find((p) => p.name === name);
      if (flags.includes("-e")) { if (rec) this.out.out(name); else rc = 1; continue; }
      if (flags.includes("-L")) {
        if (!rec) { rc = 1; continue; }
        this.out.out(`${rec.name}-${rec.version} contains:`);
        for (const f of rec.files) this.out.out(f.slice(1));
        this.out.out("");
        continue;
      }
      const info = this.cat.get(name);
      const version = rec?.version ?? info?.version;
      if (!version) { rc = 1; continue; }
      const id = `${name}-${version}`;
      this.out.out(`${id} description:\n${info?.description ?? ""}\n`);
      this.out.out(`${id} webpage:\n${info?.url ?? ""}\n`);
      this.out.out(`${id} installed size:\n${Math.round((rec?.installedSize ?? info?.installedSize ?? 0) / 1024)} KiB\n`);
    }
    return rc;
  }

  cache(opts: Options): number {
    const dir = packageCacheDir(this.fs);
    if (!dir) { this.out.err("ERROR: Package cache is not enabled."); return 1; }
    if (opts.args[0] === "clean") {
      for (const name of this.fs.readdir(dir)) if (name.endsWith(".apk")) this.fs.unlink(`${dir}/${name}`);
    }
    return 0;
  }

  run(cmd: string | undefined, opts: Options): number {
    const modifying = ["add", "del", "update", "upgrade", "cache", "fix"];
    if (cmd && modifying.includes(cmd)) {
      const denied = this.needRoot();
      if (denied !== undefined) return denied;
    }
    switch (cmd) {
      case "add": return this.add(opts);
      case "del": return this.del(opts);
      case "update": return this.update(opts);
      case "upgrade": return this.upgrade(opts);
      case "info": return this.info(opts);
      case "cache": return this.cache(opts);
      case "fix": return this.upgrade(opts);
      case "--version": case "version": this.out.out("apk-tools 2.14.4, compiled for x86_64."); return 0;
      default:
        this.out.err(cmd ? `apk: '${cmd}' is not an apk command. See 'apk --help'.` : USAGE);
        return 1;
    }
  }
}

/**
 * `apk`: over the image's real repositories when it lists some, holds a key to verify them and an
 * index is reachable or cached (src/apk/real); otherwise tsbuild's catalog for the built-in Alpine
 * images, with a note that sizes are estimates. Without a Fetcher only the catalog answers.
 */
export function apkCommand(fetcher?: () => Fetcher): SimCommand {
  return async (ctx) => {
    const out = outOf(ctx);
    const argv = ctx.argv.slice(1);
    if (argv.includes("--version") || argv[0] === "-V") { out.out("apk-tools 2.14.4, compiled for x86_64."); return 0; }
    if (argv.includes("--print-arch")) { out.out(apkArch(ctx.fs)); return 0; }
    const { cmd, opts, bad } = parseArgs(argv);
    if (bad) { out.err(bad); return 1; }
    const real = cmd === "update" || cmd === "upgrade" || cmd === "fix" || ((cmd === "add" || cmd === "del") && opts.args.length > 0);
    if (fetcher && real) {
      if (ctx.owner.uid !== 0) {
        out.err("ERROR: Unable to lock database: Permission denied");
        out.err("ERROR: Failed to open apk database: Permission denied");
        return 99;
      }
      const code = await realApk(ctx, fetcher(), cmd, opts);
      if (code !== undefined) return code;
    }
    const rel = alpineRelease(ctx.fs);
    if (!rel) {
      out.err("apk: this image has no /etc/alpine-release: tsbuild simulates apk only in Alpine images");
      return 127;
    }
    const distro = `alpine-${rel.minor}` as Distro;
    let cat: Catalog;
    try {
      cat = catalog(distro);
    } catch {
      out.err(`apk: tsbuild has no package catalog for Alpine ${rel.minor} (it has 3.19 and 3.20)`);
      return 1;
    }
    if (cmd === "add" || cmd === "update" || cmd === "upgrade") {
      ctx.note?.(`apk: package sizes are estimated from tsbuild's catalog (${distro}), files are zero-filled: the image's repositories are not reachable and not in the content cache, or /etc/apk/keys holds no key to verify them`);
      if (cmd === "update") ctx.note?.(`apk: the "distinct packages" count is an estimate of Alpine's repositories; tsbuild's catalog holds ${cat.names().length} packages`);
    }
    return new Apk(ctx, cat, rel).run(cmd, opts);
  };
}

/** `apk` with tsbuild's catalog only (no Fetcher given). */
export const apk: SimCommand = apkCommand();

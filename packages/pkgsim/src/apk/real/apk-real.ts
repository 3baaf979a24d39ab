import { FetchError, type Fetcher } from "@tsbuild/fetch";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { SimCommandContext } from "../../sim-types.js";
import { writeText } from "../../util/fsutil.js";
import { outOf, type Out } from "../../util/output.js";
import { WORLD, parseConstraint, readInstalled, writeInstalled, type InstalledPackage } from "../db.js";
import { planAdd } from "../add-plan.js";
import { planDel } from "../del-plan.js";
import { compareApkVersions } from "../version.js";
import { overwriteConflict, removeOwned, unpack } from "./files.js";
import { candidates, globMatch } from "./select.js";
import { PackageError, readApkPackage, type ApkPackageFile } from "./pkgfile.js";
import {
  checksumOfRecord, installedRecord, readScripts, readTriggers, scriptEntries, scriptOf, sortRecords, writeScripts, writeTriggers,
} from "./records.js";
import { apkArch, cacheDir, fetchErrorWords, loadIndexes, readRepos, writeCachedIndexes, type LoadedIndexes } from "./repos.js";
import { runApkScript } from "./scripts.js";
import { usableKeys } from "./sign.js";

export interface RealOptions {
  noScripts?: boolean;
  noCache: boolean;
  update: boolean;
  virtual?: string;
  args: string[];
}

/** Whether the image can use real repositories at all: repository lines and a key apk can verify with. */
export function realCapable(fs: FileSystem): boolean {
  return readRepos(fs).length > 0 && usableKeys(fs).length > 0;
}

const MiB = 1024 * 1024;
const okLine = (pkgs: InstalledPackage[]) =>
  `OK: ${Math.floor(pkgs.reduce((s, p) => s + p.installedSize, 0) / MiB)} MiB in ${pkgs.length} packages`;

function flush(out: Out, loaded: LoadedIndexes): void {
  for (const l of loaded.lines) (l.err ? out.err : out.out)(l.text);
}

class RealApk {
  private out: Out;
  private fs: FileSystem;
  readonly notRun: string[] = [];
  private quiet: boolean;
  constructor(private ctx: SimCommandContext, private fetcher: Fetcher, private noScripts = false) {
    const out = outOf(ctx);
    // -q: apk_message is silent at verbosity 0; errors and warnings still show
    this.quiet = ctx.argv.some((a) => a === "-q" || a === "--quiet");
    this.out = this.quiet ? { out: () => {}, err: out.err } : out;
    this.fs = ctx.fs;
  }

  /** apk --no-scripts runs none (and says nothing). */
  private async script(pkgVer: string, type: string, body: Buffer, args: string[], notRun: string[]): Promise<void> {
    if (!this.noScripts) await runApkScript(this.ctx, this.fetcher, pkgVer, type, body, args, notRun, this.quiet);
  }

  private now(): Date {
    return this.ctx.now?.() ?? new Date();
  }

  async update(opts: RealOptions, loaded: LoadedIndexes & { write: Array<{ path: string; bytes: Buffer }> }): Promise<number> {
    flush(this.out, loaded);
    if (!opts.noCache) writeCachedIndexes(this.fs, loaded.write, this.now());
    for (const idx of loaded.indexes) if (idx.description) this.out.out(`${idx.description} [${idx.repo.url}]`);
    // db->available.packages: distinct by checksum, the installed packages included
    const distinct = new Set<string>();
    for (const idx of loaded.indexes) for (const p of idx.packages) distinct.add(p.checksum);
    for (const p of readInstalled(this.fs)) distinct.add(checksumOfRecord(p));
    const head = loaded.unavailable || loaded.stale ? `${loaded.unavailable} unavailable, ${loaded.stale} stale;` : "OK:";
    this.out.out(`${head} ${distinct.size} distinct packages available`);
    return loaded.unavailable + loaded.stale;
  }

  /** upgrade/fix: the indexes are refreshed as apk does; upgrading installed packages is not done (named in a note). */
  async upgrade(opts: RealOptions, loaded: LoadedIndexes & { write: Array<{ path: string; bytes: Buffer }> }): Promise<number> {
    flush(this.out, loaded);
    if (!opts.noCache) writeCachedIndexes(this.fs, loaded.write, this.now());
    const installed = readInstalled(this.fs);
    const best = new Map(candidates(loaded.indexes, []).map((c) => [c.name, c.version]));
    const newer = installed.filter((p) => best.has(p.name) && compareApkVersions(best.get(p.name)!, p.version) > 0);
    if (newer.length) this.ctx.note?.(`apk: tsbuild does not upgrade installed packages; the repositories have newer ${newer.map((p) => `${p.name} (${p.version} -> ${best.get(p.name)})`).join(", ")}`);
    this.out.out(okLine(installed));
    return 0;
  }

  async add(opts: RealOptions, loaded: LoadedIndexes & { write: Array<{ path: string; bytes: Buffer }> }): Promise<number> {
    const fs = this.fs;
    flush(this.out, loaded);
    const planned = planAdd(fs, opts.args, opts.virtual, this.now(), { candidates: (names) => candidates(loaded.indexes, names) }, this.out);
    if (planned === 1) return 1;
    const { newWorld, virtual, kept: keepInstalled, toInstall } = planned;
    // Every package is downloaded and checked before anything changes: a refused one leaves the image as it was.
    const arch = apkArch(fs);
    const files = new Map<string, ApkPackageFile>();
    for (const c of toInstall) {
      if (!c.real) continue;
      const p = c.real;
      const url = `${p.repo}${p.repo.endsWith("/") ? "" : "/"}${p.arch ?? arch}/${p.name}-${p.version}.apk`;
      try {
        const r = await this.fetcher.get(url, { fresh: false, maxBytes: Math.max(p.size * 2, 1 << 20) });
        if (r.status >= 400) throw new PackageError("remote server returned error (try 'apk update')", `${url}: HTTP ${r.status}`);
        files.set(c.name, await readApkPackage(fs, r.bytes, p, url));
      } catch (e) {
        if (!(e instanceof PackageError) && !(e instanceof FetchError)) throw e;
        const words = e instanceof PackageError ? e.apkWords : fetchErrorWords(e);
        this.out.err(`ERROR: ${p.name}-${p.version}: ${words}`);
        this.out.err(`  (${e instanceof PackageError ? e.detail : e.message})`);
        this.out.err("1 error; nothing was installed");
        return 1;
      }
    }
    const clash = overwriteConflict(keepInstalled, toInstall.map((c) => files.get(c.name)).filter((f): f is ApkPackageFile => !!f));
    if (clash) {
      this.out.err(`ERROR: ${clash.pkg}: trying to overwrite ${clash.path} owned by ${clash.owner}.`);
      this.out.err("1 error; nothing was installed");
      return 1;
    }
    if (!opts.noCache) writeCachedIndexes(fs, loaded.write, this.now());
    const records = [...keepInstalled];
    const scripts = readScripts(fs).filter((s) => !virtual || !s.name.startsWith(`${virtual.name}-`));
    const triggers = readTriggers(fs);
    const touched = new Set<string>();
    for (const [i, c] of toInstall.entries()) {
      this.out.out(`(${i + 1}/${toInstall.length}) Installing ${c.name} (${c.version})`);
      const f = files.get(c.name);
      if (!f) { records.push(virtual!); continue; }
      const pv = `${c.name}-${c.version}`;
      const pre = f.scripts.get("pre-install");
      if (pre) await this.script(pv, "pre-install", pre, [c.version], this.notRun);
      unpack(fs, f);
      const rec = installedRecord(f.pkg, f.data, f.replaces);
      for (const d of rec.dirs) touched.add(d);
      records.push(rec);
      scripts.push(...scriptEntries(f));
      if (f.triggers.length) triggers.push({ checksum: f.pkg.checksum, globs: f.triggers });
      const post = f.scripts.get("post-install");
      if (post) await this.script(pv, "post-install", post, [c.version], this.notRun);
      if (!opts.noCache && fs.exists("/etc/apk/cache")) {
        const hex = Buffer.from(f.pkg.checksum.slice(2), "base64").subarray(0, 4).toString("hex");
        writeText(fs, `${cacheDir(fs)}/${pv}.${hex}.apk`, f.bytes);
      }
    }
    await this.fireTriggers(records, scripts, triggers, touched, new Set([...files.values()].map((f) => f.pkg.checksum)));
    this.commit(records, scripts, triggers, newWorld);
    this.out.out(okLine(records));
    return 0;
  }

  async del(opts: RealOptions): Promise<number> {
    const fs = this.fs;
    const plan = planDel(fs, opts.args, this.out);
    if (plan === 1) return 1;
    const { newWorld, toRemove, remaining } = plan;
    let scripts = readScripts(fs);
    const gone = new Set(toRemove.map(checksumOfRecord));
    const touched = new Set<string>();
    for (const [i, p] of toRemove.entries()) {
      this.out.out(`(${i + 1}/${toRemove.length}) Purging ${p.name} (${p.version})`);
      const pv = `${p.name}-${p.version}`;
      const pre = scriptOf(scripts, p, "pre-deinstall");
      if (pre) await this.script(pv, "pre-deinstall", pre, [p.version], this.notRun);
      for (const d of p.dirs) touched.add(d);
      removeOwned(fs, p, remaining);
      const post = scriptOf(scripts, p, "post-deinstall");
      if (post) await this.script(pv, "post-deinstall", post, [p.version], this.notRun);
    }
    scripts = scripts.filter((s) => !toRemove.some((p) => s.name.startsWith(`${p.name}-${p.version}.${checksumOfRecord(p)}.`)));
    const triggers = readTriggers(fs).filter((t) => !gone.has(t.checksum));
    await this.fireTriggers(remaining, scripts, triggers, touched);
    this.commit(remaining, scripts, triggers, newWorld);
    this.out.out(okLine(remaining));
    return 0;
  }

  /**
   * apk_db_fire_triggers: a package whose trigger globs match a directory the transaction touched
   * runs its .trigger with those directories; a package installed now matches every directory
   * the installed packages own (run_all_triggers).
   */
  private async fireTriggers(records: InstalledPackage[], scripts: ReturnType<typeof readScripts>, triggers: ReturnType<typeof readTriggers>, touched: Set<string>, fresh = new Set<string>()): Promise<void> {
    const allDirs = new Set(records.flatMap((r) => r.dirs));
    for (const t of triggers) {
      const p = records.find((r) => checksumOfRecord(r) === t.checksum);
      if (!p) continue;
      const pool = fresh.has(t.checksum) ? allDirs : touched;
      const dirs = [...pool].filter((d) => t.globs.some((g) => g.startsWith("/") && globMatch(g, d))).sort();
      if (!dirs.length) continue;
      const body = scriptOf(scripts, p, "trigger");
      if (body) await this.script(`${p.name}-${p.version}`, "trigger", body, dirs, this.notRun);
    }
  }

  private commit(records: InstalledPackage[], scripts: ReturnType<typeof readScripts>, triggers: ReturnType<typeof readTriggers>, world: string[]): void {
    writeInstalled(this.fs, sortRecords(records));
    writeScripts(this.fs, scripts);
    writeTriggers(this.fs, triggers);
    const name = (w: string) => parseConstraint(w).name;
    const sorted = [...new Map(world.map((w) => [name(w), w])).values()].sort((a, b) => {
      const x = name(a).toLowerCase(), y = name(b).toLowerCase();
      return x !== y ? (x < y ? -1 : 1) : name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0;
    });
    // apk_deps_write joins with "\n", then one more "\n" (an empty world is a lone newline)
    writeText(this.fs, WORLD, sorted.join("\n") + "\n");
  }
}

/**
 * `apk` over real repositories, or undefined when tsbuild's catalog must answer: the image lists
 * no repository or holds no key apk could verify with (the built-in images' keys are
 * placeholders), or no index is reachable and none is cached.
 */
export async function realApk(ctx: SimCommandContext, fetcher: Fetcher, cmd: string, opts: RealOptions): Promise<number | undefined> {
  const fs = ctx.fs;
  if (!realCapable(fs)) return undefined;
  const apk = new RealApk(ctx, fetcher, ctx.argv.includes("--no-scripts"));
  let code: number;
  if (cmd === "del") {
    code = await apk.del(opts);
  } else {
    const force = cmd === "update" || opts.update;
    const argv = ctx.argv;
    const extraRepos: string[] = [];
    argv.forEach((a, i) => {
      if ((a === "-X" || a === "--repository") && argv[i + 1]) extraRepos.push(argv[i + 1]);
      else if (a.startsWith("--repository=")) extraRepos.push(a.slice(13));
    });
    const loaded = await loadIndexes(fs, fetcher, {
      force, noCache: opts.noCache, autoupdate: true, now: ctx.now?.() ?? new Date(), extraRepos, allowUntrusted: argv.includes("--allow-untrusted"),
    });
    if (loaded.nothingReachable) {
      ctx.note?.(`apk: no repository index of /etc/apk/repositories is reachable or in the content cache (${loaded.lines.filter((l) => l.text.startsWith("  (")).map((l) => l.text.trim().slice(1, -1)).join("; ")})`);
      return undefined;
    }
    code = cmd === "update" ? await apk.update(opts, loaded) : cmd === "add" ? await apk.add(opts, loaded) : await apk.upgrade(opts, loaded);
  }
  if (apk.notRun.length) ctx.note?.(`apk: tsbuild could not run these package scripts: ${apk.notRun.join(", ")}`);
  return code;
}

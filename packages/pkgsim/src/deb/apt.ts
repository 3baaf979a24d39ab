import { createHash } from "node:crypto";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { Fetcher } from "@tsbuild/fetch";
import { catalog } from "../catalog/load.js";
import type { Catalog, Distro, PackageInfo } from "../catalog/types.js";
import type { SimCommand, SimCommandContext } from "../sim-types.js";
import { appendText, lexists, mkdirp, readText, writeText, zeroBytes } from "../util/fsutil.js";
import { outOf, wrapWords, type Out } from "../util/output.js";
import { field, parseRelations, type Paragraph } from "./control.js";
import { debFileName, sizeToStr } from "./format.js";
import { indexSizes, listFileBase, readSources } from "./sources.js";
import {
  isInstalled, qualifiedName, readAutoInstalled, readStatus, writeAutoInstalled, writeStatus, type DpkgPackage,
} from "./state.js";
import { realApt, removalScripts } from "./real/apt-real.js";
import { dpkgRemove } from "./real/remove.js";
import {
  databaseCount, dirsOfOthers, filteredFiles, readPathFilters, unpack, writeInfoFiles,
} from "./unpack.js";

const LISTS = "/var/lib/apt/lists";
const ARCHIVES = "/var/cache/apt/archives";

export interface Options {
  yes: boolean;
  quiet: number;
  recommends?: boolean;
  purge: boolean;
  autoRemove: boolean;
  args: string[];
}

function parseArgs(argv: string[]): { cmd?: string; opts: Options } {
  const opts: Options = { yes: false, quiet: 0, purge: false, autoRemove: false, args: [] };
  let cmd: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-y" || a === "--yes" || a === "--assume-yes") opts.yes = true;
    else if (/^-q+$/.test(a)) opts.quiet += a.length - 1;
    else if (a === "--quiet") opts.quiet++;
    else if (a === "--no-install-recommends") opts.recommends = false;
    else if (a === "--install-recommends") opts.recommends = true;
    else if (a === "--purge") opts.purge = true;
    else if (a === "--auto-remove" || a === "--autoremove") opts.autoRemove = true;
    else if (a === "-o" || a === "-c" || a === "-t") {
      const v = argv[++i] ?? "";
      if (/^APT::Install-Recommends=(false|0|no)$/i.test(v)) opts.recommends = false;
      if (/^APT::Get::Assume-Yes=(true|1|yes)$/i.test(v)) opts.yes = true;
    } else if (a.startsWith("-")) {
      if (/^-[a-z]*y[a-z]*$/.test(a)) opts.yes = true;
      if (/^-[a-z]*q/.test(a)) opts.quiet++;
    } else if (!cmd) cmd = a;
    else opts.args.push(a);
  }
  return { cmd, opts };
}

/** Reads apt.conf.d for the settings the simulation honours. */
export function aptConfig(fs: FileSystem): { recommends: boolean; cleanAfterInstall: boolean; pkgcache: boolean } {
  let text = readText(fs, "/etc/apt/apt.conf") ?? "";
  const dir = "/etc/apt/apt.conf.d";
  if (fs.exists(dir)) for (const n of fs.readdir(dir)) text += "\n" + (readText(fs, `${dir}/${n}`) ?? "");
  const noComments = text.split("\n").filter((l) => !/^\s*(#|\/\/)/.test(l)).join("\n");
  return {
    recommends: !/APT::Install-Recommends\s+"?(false|0|no)"?/i.test(noComments),
    // debuerreotype's docker-clean: DPkg::Post-Invoke removes the downloaded .debs.
    cleanAfterInstall: /Post-Invoke[^\n]*\/var\/cache\/apt\/archives\/\*\.deb/.test(noComments),
    pkgcache: !/Dir::Cache::pkgcache\s+""/.test(noComments),
  };
}

/** apt's binary caches (pkgcache.bin, srcpkgcache.bin), measured for bookworm: 36.9 MB each. */
const PKGCACHE_SIZE = 36_922_912;

class Apt {
  private out: Out;
  private fs: FileSystem;
  private conf: ReturnType<typeof aptConfig>;

  constructor(private ctx: SimCommandContext, private cat: Catalog, private front: "apt-get" | "apt", private fetcher?: () => Fetcher) {
    this.out = outOf(ctx);
    this.fs = ctx.fs;
    this.conf = aptConfig(ctx.fs);
  }

  /** Said once per command: what the catalog gives is an estimate, not the archive's bytes. */
  private catalogNote(): void {
    this.ctx.note?.(`${this.front}: package sizes are estimated from tsbuild's catalog (${this.cat.distro}), files are zero-filled: the image's archive is not reachable and not in the content cache, or the image holds no keyring to verify it`);
  }

  private hasLists(): boolean {
    return this.fs.exists(LISTS) && this.fs.readdir(LISTS).some((n) => n.includes("Packages"));
  }

  private lockArchives(): void {
    mkdirp(this.fs, `${ARCHIVES}/partial`, 0o700);
    writeText(this.fs, `${ARCHIVES}/lock`, "", 0o640);
  }

  private writeBinCaches(): void {
    if (!this.conf.pkgcache) return;
    writeText(this.fs, "/var/cache/apt/pkgcache.bin", zeroBytes(PKGCACHE_SIZE));
    writeText(this.fs, "/var/cache/apt/srcpkgcache.bin", zeroBytes(PKGCACHE_SIZE - 59));
  }

  private readingLists(opts: Options): void {
    if (opts.quiet >= 2) return;
    this.out.out("Reading package lists...");
  }

  private header(opts: Options): void {
    if (opts.quiet >= 2) return;
    this.out.out("Reading package lists...");
    this.out.out("Building dependency tree...");
    this.out.out("Reading state information...");
  }

  update(opts: Options): number {
    const sources = readSources(this.fs);
    mkdirp(this.fs, `${LISTS}/partial`, 0o700);
    writeText(this.fs, `${LISTS}/lock`, "", 0o640);
    // One InRelease per archive and suite, then the Packages indexes, as apt prints them.
    const suites = new Map<string, { uri: string; suite: string; components: string[] }>();
    for (const s of sources) {
      const key = `${s.uri.replace(/\/$/, "")} ${s.suite}`;
      const cur = suites.get(key) ?? { uri: s.uri.replace(/\/$/, ""), suite: s.suite, components: [] };
      for (const c of s.components) if (!cur.components.includes(c)) cur.components.push(c);
      suites.set(key, cur);
    }
    let n = 0;
    let total = 0;
    for (const s of suites.values()) {
      const inRelease = indexSizes(s.suite, s.components[0] ?? "main").inRelease;
      if (opts.quiet < 2) this.out.out(`Get:${++n} ${s.uri} ${s.suite} InRelease [${sizeToStr(inRelease)}]`);
      writeText(this.fs, `${LISTS}/${listFileBase(s)}_InRelease`, zeroBytes(inRelease));
      total += inRelease;
    }
    for (const s of suites.values()) {
      for (const c of s.components) {
        const sz = indexSizes(s.suite, c);
        if (opts.quiet < 2) this.out.out(`Get:${++n} ${s.uri} ${s.suite}/${c} amd64 Packages [${sizeToStr(sz.download)}]`);
        writeText(this.fs, `${LISTS}/${listFileBase(s)}_${c}_binary-amd64_Packages.lz4`, zeroBytes(sz.stored));
        total += sz.download;
      }
    }
    if (opts.quiet < 2) this.out.out(`Fetched ${sizeToStr(total)} in 1s (${sizeToStr(total)}/s)`);
    this.readingLists(opts);
    this.writeBinCaches();
    return 0;
  }

  /** The catalog package for a name, or a provider of it. */
  private lookup(name: string): PackageInfo | undefined {
    return this.cat.get(name) ?? this.cat.providers(name)[0];
  }

  install(opts: Options): number {
    this.header(opts);
    const status = readStatus(this.fs);
    const installed = new Map(status.filter(isInstalled).map((p) => [p.name, p]));
    const providedByInstalled = new Set(status.filter(isInstalled).flatMap((p) => p.provides));
    const withRecommends = opts.recommends ?? this.conf.recommends;
    const lists = this.hasLists();
    const requested: string[] = [];
    const autoBefore = readAutoInstalled(this.fs);
    const nowManual: string[] = [];
    for (const raw of opts.args) {
      const name = raw.replace(/[=:].*$/, "");
      if (installed.has(name)) {
        this.out.out(`${name} is already the newest version (${installed.get(name)!.version}).`);
        if (autoBefore.has(name)) { this.out.out(`${name} set to manually installed.`); nowManual.push(name); }
        continue;
      }
      if (!lists || !this.lookup(name)) {
        this.out.err(`E: Unable to locate package ${name}`);
        if (lists) this.ctx.note?.(`${name} is unknown to tsbuild's catalog for ${this.cat.distro} (not necessarily to apt): add it with a catalog file (extendCatalog, packages/pkgsim/README.md "Adding packages"), or give the build the real archive (network, or a warm content cache)`);
        return 100;
      }
      requested.push(this.lookup(name)!.name);
    }
    // Depth-first over Pre-Depends, Depends (and Recommends): dependencies come first.
    const selected = new Map<string, PackageInfo>();
    const order: PackageInfo[] = [];
    const missingRecommends: string[] = [];
    const suggested: string[] = [];
    const satisfied = (n: string) => installed.has(n) || providedByInstalled.has(n) || selected.has(n) ||
      [...selected.values()].some((p) => p.provides.split(",").some((x) => x.trim().split(" ")[0] === n));
    const visit = (pkg: PackageInfo, stack: Set<string>) => {
      if (selected.has(pkg.name) || stack.has(pkg.name)) return;
      stack.add(pkg.name);
      for (const alts of [...parseRelations(pkg.preDepends), ...parseRelations(pkg.depends)]) {
        if (alts.some((a) => satisfied(a.name))) continue;
        const pick = alts.map((a) => this.lookup(a.name)).find(Boolean);
        if (pick) visit(pick, stack);
      }
      stack.delete(pkg.name);
      selected.set(pkg.name, pkg);
      order.push(pkg);
    };
    for (const name of requested) visit(this.cat.get(name)!, new Set());
    // Recommends of everything selected, breadth-first after the hard dependencies.
    for (let i = 0; i < order.length; i++) {
      for (const alts of parseRelations(order[i].recommends)) {
        if (alts.some((a) => satisfied(a.name))) continue;
        if (!withRecommends) { missingRecommends.push(alts.map((a) => a.name).join(" | ")); continue; }
        const pick = alts.map((a) => this.lookup(a.name)).find(Boolean);
        if (pick) visit(pick, new Set());
      }
    }
    if (order.length === 0) {
      if (nowManual.length) {
        for (const n of nowManual) autoBefore.delete(n);
        writeAutoInstalled(this.fs, autoBefore, (n) => installed.get(n)?.architecture ?? "amd64");
      }
      if (opts.quiet < 2) this.out.out("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.");
      return 0;
    }
    for (const p of order) {
      for (const alts of parseRelations(p.suggests)) {
        if (!alts.some((a) => satisfied(a.name))) suggested.push(alts.map((a) => a.name).join(" | "));
      }
    }
    const newNames = order.map((p) => p.name).sort();
    const additional = newNames.filter((n) => !requested.includes(n));
    if (opts.quiet < 2) {
      if (additional.length) { this.out.out("The following additional packages will be installed:"); wrapWords(additional).forEach((l) => this.out.out(l)); }
      if (suggested.length) { this.out.out("Suggested packages:"); wrapWords([...new Set(suggested)]).forEach((l) => this.out.out(l)); }
      if (missingRecommends.length) { this.out.out("Recommended packages:"); wrapWords([...new Set(missingRecommends)]).forEach((l) => this.out.out(l)); }
      this.out.out("The following NEW packages will be installed:");
      wrapWords(newNames).forEach((l) => this.out.out(l));
      this.out.out(`0 upgraded, ${order.length} newly installed, 0 to remove and 0 not upgraded.`);
    }
    const download = order.reduce((s, p) => s + p.downloadSize, 0);
    const installedBytes = order.reduce((s, p) => s + p.installedSize, 0);
    if (opts.quiet < 2) {
      this.out.out(`Need to get ${sizeToStr(download)} of archives.`);
      this.out.out(`After this operation, ${sizeToStr(installedBytes)} of additional disk space will be used.`);
    }
    if (additional.length && !opts.yes) {
      this.out.out("Do you want to continue? [Y/n] Abort.");
      return 1;
    }
    // Download.
    this.lockArchives();
    const sources = readSources(this.fs);
    const main = sources.find((s) => !s.suite.includes("-")) ?? sources[0];
    const security = sources.find((s) => s.suite.endsWith("-security")) ?? main;
    const repoOf = (p: PackageInfo) => {
      const s = p.archive === "security" ? security : main;
      return s ? `${s.uri.replace(/\/$/, "")} ${s.suite}/${s.components[0] ?? "main"}` : "";
    };
    order.forEach((p, i) => {
      if (opts.quiet < 2) this.out.out(`Get:${i + 1} ${repoOf(p)} amd64 ${p.name} ${p.architecture} ${p.version} [${sizeToStr(p.downloadSize)}]`);
      writeText(this.fs, `${ARCHIVES}/${p.filename ?? debFileName(p.name, p.version, p.architecture)}`, zeroBytes(p.downloadSize));
    });
    if (installed.has("debconf") && !installed.has("apt-utils")) this.out.err("debconf: delaying package configuration, since apt-utils is not installed");
    if (opts.quiet < 2) this.out.out(`Fetched ${sizeToStr(download)} in 1s (${sizeToStr(download)}/s)`);
    // Unpack, then configure.
    const filters = readPathFilters(this.fs);
    const now = this.ctx.now?.() ?? new Date();
    const log: string[] = [];
    let first = true;
    const paras: Array<DpkgPackage | Paragraph> = [...status];
    order.forEach((p, i) => {
      const q = qualifiedName(p.name, p.multiArch);
      this.out.out(`Selecting previously unselected package ${q}.`);
      if (first) { this.out.out(`(Reading database ... ${databaseCount(this.fs)} files and directories currently installed.)`); first = false; }
      const file = p.filename ?? debFileName(p.name, p.version, p.architecture);
      this.out.out(`Preparing to unpack .../${String(i).padStart(2, "0")}-${file} ...`);
      this.out.out(`Unpacking ${q} (${p.version}) ...`);
      const all = p.files();
      const files = filteredFiles(all, filters);
      unpack(this.fs, files);
      writeInfoFiles(this.fs, p, files, all);
      paras.push(statusParagraph(p));
      log.push(`${stamp(now)} install ${q} <none> ${p.version}`);
    });
    for (const p of order) {
      this.out.out(`Setting up ${qualifiedName(p.name, p.multiArch)} (${p.version}) ...`);
      log.push(`${stamp(now)} configure ${qualifiedName(p.name, p.multiArch)} ${p.version} <none>`);
    }
    writeStatus(this.fs, paras);
    const auto = readAutoInstalled(this.fs);
    for (const p of order) if (!requested.includes(p.name)) auto.add(p.name); else auto.delete(p.name);
    for (const n of nowManual) auto.delete(n);
    const archOf = (n: string) => this.cat.get(n)?.architecture ?? installed.get(n)?.architecture ?? "amd64";
    writeAutoInstalled(this.fs, auto, archOf);
    const libc = installed.get("libc-bin");
    if (libc && order.some((p) => p.files().some((f) => f.type === "file" && /\.so(\.|$)/.test(f.path)))) {
      this.out.out(`Processing triggers for libc-bin (${libc.version}) ...`);
      this.refreshLdCache(order);
    }
    this.writeLogs(now, log, `install ${opts.args.join(" ")}`, order.map((p) => `${qualifiedName(p.name, p.multiArch)} (${p.version}${requested.includes(p.name) ? "" : ", automatic"})`), "Install");
    if (this.conf.cleanAfterInstall) this.cleanArchives();
    this.writeBinCaches();
    return 0;
  }

  /** ldconfig rewrites its cache when libraries arrive: about 60 bytes more per shared object. */
  private refreshLdCache(added: PackageInfo[]): void {
    const sos = added.flatMap((p) => p.files()).filter((f) => /\.so(\.|$)/.test(f.path)).length;
    for (const path of ["/etc/ld.so.cache", "/var/cache/ldconfig/aux-cache"]) {
      const old = lexists(this.fs, path) ? this.fs.stat(path).size : 0;
      writeText(this.fs, path, zeroBytes(old + 60 * sos));
    }
  }

  private writeLogs(now: Date, dpkgLines: string[], commandLine: string, items: string[], verb: string): void {
    appendText(this.fs, "/var/log/dpkg.log", dpkgLines.map((l) => l + "\n").join(""));
    const start = now.toISOString().replace("T", "  ").slice(0, 21);
    appendText(this.fs, "/var/log/apt/history.log",
      `\nStart-Date: ${start}\nCommandline: ${this.front} ${commandLine}\n${verb}: ${items.join(", ")}\nEnd-Date: ${start}\n`);
    appendText(this.fs, "/var/log/apt/term.log", `\nLog started: ${now.toISOString().replace("T", "  ").slice(0, 21)}\n` +
      dpkgLines.map((l) => l.replace(/^\S+ \S+ /, "")).join("\n") + `\nLog ended: ${now.toISOString().replace("T", "  ").slice(0, 21)}\n`, 0o640);
    writeText(this.fs, "/var/log/apt/eipp.log.xz", zeroBytes(5284));
  }

  private cleanArchives(): void {
    if (!this.fs.exists(ARCHIVES)) return;
    for (const n of this.fs.readdir(ARCHIVES)) if (n.endsWith(".deb")) this.fs.unlink(`${ARCHIVES}/${n}`);
    if (this.fs.exists(`${ARCHIVES}/partial`)) for (const n of this.fs.readdir(`${ARCHIVES}/partial`)) if (n.endsWith(".deb")) this.fs.unlink(`${ARCHIVES}/partial/${n}`);
    for (const n of ["pkgcache.bin", "srcpkgcache.bin"]) if (lexists(this.fs, `/var/cache/apt/${n}`)) this.fs.unlink(`/var/cache/apt/${n}`);
  }

  clean(): number {
    this.cleanArchives();
    return 0;
  }

  /** Packages no manual, essential or required/important package needs (apt keeps Recommends). */
  private unneeded(status: DpkgPackage[], removing: Set<string>): string[] {
    const inst = status.filter((p) => isInstalled(p) && !removing.has(p.name));
    const byName = new Map(inst.map((p) => [p.name, p]));
    const providers = new Map<string, string>();
    for (const p of inst) for (const v of p.provides) providers.set(v, p.name);
    const auto = readAutoInstalled(this.fs);
    const keep = new Set<string>();
    const mark = (name: string) => {
      const real = byName.has(name) ? name : providers.get(name);
      if (!real || keep.has(real)) return;
      keep.add(real);
      const p = byName.get(real)!;
      for (const f of ["Pre-Depends", "Depends", "Recommends"]) {
        for (const alts of parseRelations(field(p.para, f))) {
          const hit = alts.find((a) => byName.has(a.name) || providers.has(a.name));
          if (hit) mark(hit.name);
        }
      }
    };
    for (const p of inst) {
      if (!auto.has(p.name) || p.essential || p.priority === "required" || p.priority === "important") mark(p.name);
    }
    return inst.filter((p) => !keep.has(p.name)).map((p) => p.name).sort();
  }

  async remove(opts: Options, purge: boolean, auto: boolean): Promise<number> {
    this.header(opts);
    const status = readStatus(this.fs);
    const byName = new Map(status.filter(isInstalled).map((p) => [p.name, p]));
    const targets: string[] = [];
    for (const raw of opts.args) {
      const name = raw.replace(/[=:].*$/, "");
      // purge also takes a package that only its configuration files are left of
      const left = purge ? status.find((p) => p.name === name && p.status.endsWith(" config-files")) : undefined;
      if (left) byName.set(name, left);
      if (!byName.has(name)) {
        if (!this.cat.get(name) && !this.hasLists()) { this.out.err(`E: Unable to locate package ${name}`); return 100; }
        this.out.out(`Package '${name}' is not installed, so not removed`);
        continue;
      }
      targets.push(name);
    }
    const removing = new Set(targets);
    let orphans = this.unneeded(status, removing);
    if (auto) { for (const o of orphans) removing.add(o); orphans = []; }
    const essential = [...removing].filter((n) => byName.get(n)!.essential);
    if (orphans.length && opts.quiet < 2) {
      this.out.out("The following packages were automatically installed and are no longer required:");
      wrapWords(orphans).forEach((l) => this.out.out(l));
      this.out.out(`Use '${this.front === "apt" ? "apt" : "apt-get"} autoremove' to remove ${orphans.length === 1 ? "it" : "them"}.`);
    }
    if (removing.size === 0) {
      if (opts.quiet < 2) this.out.out("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.");
      return 0;
    }
    const list = [...removing].sort();
    if (opts.quiet < 2) {
      this.out.out("The following packages will be REMOVED:");
      wrapWords(list.map((n) => (purge ? n + "*" : n))).forEach((l) => this.out.out(l));
    }
    if (essential.length) {
      this.out.out("WARNING: The following essential packages will be removed.");
      this.out.out("This should NOT be done unless you know exactly what you are doing!");
      wrapWords(essential).forEach((l) => this.out.out(l));
    }
    const freed = list.reduce((s, n) => s + byName.get(n)!.installedSize * 1024, 0);
    if (opts.quiet < 2) {
      this.out.out(`0 upgraded, 0 newly installed, ${list.length} to remove and 0 not upgraded.`);
      this.out.out(`After this operation, ${sizeToStr(freed)} disk space will be freed.`);
    }
    if (essential.length) {
      this.out.err("E: Essential packages were removed and -y was used without --allow-remove-essential.");
      return 100;
    }
    if (!opts.yes) { this.out.out("Do you want to continue? [Y/n] Abort."); return 1; }
    this.out.out(`(Reading database ... ${databaseCount(this.fs)} files and directories currently installed.)`);
    const shared = dirsOfOthers(this.fs, removing);
    const now = this.ctx.now?.() ?? new Date();
    const log: string[] = [];
    const paras: Paragraph[] = [];
    const notRun: string[] = [];
    const rc = { fs: this.fs, out: (l: string) => this.out.out(l), shared, notRun, runScript: removalScripts(this.ctx, this.fetcher?.()) };
    for (const p of status) {
      if (!removing.has(p.name)) { paras.push(p.para); continue; }
      const q = qualifiedName(p.name, p.multiArch);
      const para = await dpkgRemove(rc, p, purge);
      log.push(`${stamp(now)} remove ${q} ${p.version} <none>`);
      if (purge) log.push(`${stamp(now)} purge ${q} ${p.version} <none>`);
      if (para) paras.push(para);
    }
    if (notRun.length) this.ctx.note?.(`${this.front}: tsbuild did not run these maintainer scripts: ${notRun.join(", ")}`);
    writeStatus(this.fs, paras);
    const autoSet = readAutoInstalled(this.fs);
    for (const n of removing) autoSet.delete(n);
    writeAutoInstalled(this.fs, autoSet, (n) => byName.get(n)?.architecture ?? "amd64");
    const libc = byName.get("libc-bin");
    if (libc && [...removing].some((n) => /^lib/.test(n))) this.out.out(`Processing triggers for libc-bin (${libc.version}) ...`);
    this.writeLogs(now, log, `${purge ? "purge" : "remove"} ${opts.args.join(" ")}`, list.map((n) => `${n} (${byName.get(n)!.version})`), purge ? "Purge" : "Remove");
    return 0;
  }

  upgrade(opts: Options): number {
    this.header(opts);
    if (opts.quiet < 2) {
      this.out.out("Calculating upgrade...");
      this.out.out("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.");
    }
    return 0;
  }

  async run(cmd: string | undefined, opts: Options): Promise<number> {
    if (this.front === "apt") this.out.err("\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n");
    const needsRoot = ["update", "install", "remove", "purge", "autoremove", "clean", "autoclean", "upgrade", "dist-upgrade", "full-upgrade"];
    if (cmd && needsRoot.includes(cmd) && this.ctx.owner.uid !== 0) {
      if (cmd === "update") this.out.err("E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)");
      else this.out.err("E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)");
      this.out.err("E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?");
      return 100;
    }
    switch (cmd) {
      case "update":
      case "install": {
        // The real archive when the image can verify it and the network or the content cache holds it.
        const real = this.fetcher ? await realApt(this.ctx, this.fetcher(), this.front, cmd, opts, this.conf) : undefined;
        if (real !== undefined) return real;
        this.catalogNote();
        return cmd === "update" ? this.update(opts) : this.install(opts);
      }
      case "remove": return this.remove(opts, opts.purge, opts.autoRemove);
      case "purge": return this.remove(opts, true, opts.autoRemove);
      case "autoremove": case "autopurge": return this.remove({ ...opts, args: [] }, opts.purge || cmd === "autopurge", true);
      case "clean": case "autoclean": return this.clean();
      case "upgrade": case "dist-upgrade": case "full-upgrade": return this.upgrade(opts);
      default:
        this.out.err(cmd ? `E: Invalid operation ${cmd}` : "E: No operation given");
        return 100;
    }
  }
}

function stamp(d: Date): string {
  return d.toISOString().replace("T", " ").slice(0, 19);
}

/** The /var/lib/dpkg/status paragraph of a freshly installed package (dpkg's field order). */
export function statusParagraph(p: PackageInfo): Paragraph {
  const para: Paragraph = [["Package", p.name], ["Status", "install ok installed"]];
  const add = (k: string, v: string | undefined) => { if (v) para.push([k, v]); };
  add("Priority", p.priority);
  add("Section", p.section);
  add("Installed-Size", String(Math.round(p.installedSize / 1024)));
  add("Maintainer", p.maintainer);
  add("Architecture", p.architecture);
  add("Multi-Arch", p.multiArch);
  add("Source", p.source);
  add("Version", p.version);
  add("Provides", p.provides);
  add("Depends", p.depends);
  add("Pre-Depends", p.preDepends);
  add("Recommends", p.recommends);
  add("Suggests", p.suggests);
  if (p.conffiles.length) para.push(["Conffiles", "\n" + p.conffiles.map((c) => ` ${c} ${createHash("md5").update(c).digest("hex")}`).join("\n")]);
  add("Description", p.description);
  return para;
}

/** Which catalog an image's apt uses: from /etc/os-release VERSION_CODENAME. */
export function debianDistro(fs: FileSystem): Distro | undefined {
  const text = readText(fs, "/etc/os-release") ?? readText(fs, "/usr/lib/os-release") ?? "";
  const code = /^VERSION_CODENAME=("?)([a-z]+)\1$/m.exec(text)?.[2];
  if (code === "bookworm" || code === "jammy" || code === "noble") return code;
  return undefined;
}

export function aptCommand(front: "apt-get" | "apt", fetcher?: () => Fetcher): SimCommand {
  return async (ctx) => {
    const distro = debianDistro(ctx.fs);
    if (!distro) {
      outOf(ctx).err(`${front}: tsbuild simulates apt only in Debian bookworm and Ubuntu jammy/noble images (no known VERSION_CODENAME in /etc/os-release)`);
      return 100;
    }
    const { cmd, opts } = parseArgs(ctx.argv.slice(1));
    return new Apt(ctx, catalog(distro), front, fetcher).run(cmd, opts);
  };
}

export const aptGet = aptCommand("apt-get");
export const apt = aptCommand("apt");

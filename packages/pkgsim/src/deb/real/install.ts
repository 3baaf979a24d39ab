import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { Fetcher } from "@tsbuild/fetch";
import { appendText, mkdirp, readText, writeText } from "../../util/fsutil.js";
import { wrapWords, type Out } from "../../util/output.js";
import type { Paragraph } from "../control.js";
import { debFileName, sizeToStr } from "../format.js";
import { isInstalled, qualifiedName, readAutoInstalled, readStatus, writeAutoInstalled, writeStatus, type DpkgPackage } from "../state.js";
import { readDeb, type DebFile } from "./debfile.js";
import { conffilesField, keptEntries, unpackEntries, writeInfo, type PathFilter } from "./dpkg-unpack.js";
import type { ArchiveIndex, ArchivePackage } from "./index-file.js";
import { dpkgRemove } from "./remove.js";
import { resolve, ResolveError } from "./resolve.js";
import { dirsOfOthers } from "../unpack.js";
import { statusFromControl, unpackedSnapshot } from "./status.js";
import { configureCaCertificates } from "../helpers/ca-certificates.js";
import { registerDebconf } from "../helpers/debconf.js";
import { writeLdCache } from "../helpers/ldconfig.js";

const ARCHIVES = "/var/cache/apt/archives";

export interface InstallOptions {
  yes: boolean;
  quiet: number;
  recommends: boolean;
  /** debuerreotype's docker-clean: the .debs go again after dpkg runs. */
  cleanAfterInstall: boolean;
  filters: PathFilter[];
  now: Date;
  commandLine: string;
  /** Maintainer scripts and triggers tsbuild did not run, for the caller's note. */
  notRun: string[];
  /** Runs a maintainer script through tsbuild's shell; undefined: scripts are not run. */
  runScript?: (pkg: string, script: string, args: string[]) => Promise<{ code: number; stderr: string }>;
}

/** Packages whose maintainer scripts need programs tsbuild's shell cannot run, and what stands in for them. */
const NATIVE: Record<string, (fs: FileSystem, deb: DebFile, out: Out) => void> = {
  // its postinst asks debconf (perl) for the enabled certificates, then runs update-ca-certificates (openssl rehash)
  "ca-certificates": (fs, deb, out) => configureCaCertificates(fs, deb.control.get("templates")?.toString("utf8"), out),
};

/**
 * .debs downloaded at once, as apt's acquire queue keeps several requests in flight: a cold
 * `apt-get install nodejs npm` is 400 files, and one at a time each waited for the previous
 * one's round trip and for its unpacking. Results are still taken (and printed) in order.
 */
const DOWNLOADS_AHEAD = 8;

/**
 * `work` for each item, started at most `ahead` items before the one being taken. A failure is
 * kept for when its item is taken, and `settle` waits for what is still in flight.
 */
function aheadOf<T, R>(items: T[], ahead: number, work: (item: T) => Promise<R>) {
  const started: Array<Promise<R> | undefined> = [];
  const start = (i: number) => {
    if (i >= items.length || started[i] !== undefined) return;
    const p = work(items[i]);
    p.catch(() => undefined); // taken, and thrown, by next(i)
    started[i] = p;
  };
  return {
    next(i: number): Promise<R> {
      for (let k = i; k < i + ahead; k++) start(k);
      return started[i]!;
    },
    settle: () => Promise.allSettled(started.filter((p) => p !== undefined)),
  };
}

/** `apt-get install` over the real archive: resolve, download and verify the .debs, unpack them as dpkg does. */
export async function realInstall(fs: FileSystem, out: Out, fetcher: Fetcher, idx: ArchiveIndex, args: string[], o: InstallOptions): Promise<number> {
  const status = readStatus(fs);
  const installed = status.filter(isInstalled);
  const byName = new Map(installed.map((p) => [p.name, p]));
  const auto = readAutoInstalled(fs);
  const roots: ArchivePackage[] = [];
  const nowManual: string[] = [];
  for (const raw of args) {
    const m = /^([^=/]+)(?:=(.+)|\/(.+))?$/.exec(raw);
    const name = (m?.[1] ?? raw).replace(/:(amd64|all|any)$/, "");
    const version = m?.[2];
    const cand = idx.candidate(name, version) ?? (version ? undefined : providerOf(idx, name));
    if (!cand) {
      if (version && idx.byName.has(name)) out.err(`E: Version '${version}' for '${name}' was not found`);
      else out.err(`E: Unable to locate package ${name}`);
      return 100;
    }
    const have = byName.get(cand.name);
    if (have && have.version === cand.version) {
      out.out(`${cand.name} is already the newest version (${have.version}).`);
      if (auto.has(cand.name)) {
        out.out(`${cand.name} set to manually installed.`);
        nowManual.push(cand.name);
      }
      continue;
    }
    if (have) {
      out.err(`E: tsbuild does not upgrade or downgrade installed packages (${cand.name} ${have.version} → ${cand.version})`);
      return 100;
    }
    roots.push(cand);
  }
  let res;
  try {
    res = resolve(idx, installed, roots, o.recommends);
  } catch (e) {
    if (!(e instanceof ResolveError)) throw e;
    out.out("Some packages could not be installed. This may mean that you have");
    out.out("requested an impossible situation ...");
    out.out("The following packages have unmet dependencies:");
    out.out(` ${e.message}`);
    out.err("E: Unable to correct problems, you have held broken packages.");
    return 100;
  }
  const { order, remove } = res;
  const requested = new Set(roots.map((r) => r.name));
  if (!order.length) {
    if (nowManual.length) {
      for (const n of nowManual) auto.delete(n);
      writeAutoInstalled(fs, auto, (n) => byName.get(n)?.architecture ?? "amd64");
    }
    if (o.quiet < 2) out.out("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.");
    return 0;
  }
  const newNames = order.map((p) => p.name).sort();
  const additional = newNames.filter((n) => !requested.has(n));
  if (o.quiet < 2) {
    if (additional.length) { out.out("The following additional packages will be installed:"); wrapWords(additional).forEach((l) => out.out(l)); }
    if (res.suggested.length) { out.out("Suggested packages:"); wrapWords(res.suggested).forEach((l) => out.out(l)); }
    if (res.recommendedNotInstalled.length) { out.out("Recommended packages:"); wrapWords(res.recommendedNotInstalled).forEach((l) => out.out(l)); }
    if (remove.length) { out.out("The following packages will be REMOVED:"); wrapWords(remove.map((p) => p.name).sort()).forEach((l) => out.out(l)); }
    out.out("The following NEW packages will be installed:");
    wrapWords(newNames).forEach((l) => out.out(l));
    out.out(`0 upgraded, ${order.length} newly installed, ${remove.length} to remove and 0 not upgraded.`);
    const download = order.reduce((s, p) => s + p.size, 0);
    const kib = order.reduce((s, p) => s + Number(/^Installed-Size:\s*(\d+)/m.exec(p.stanza)?.[1] ?? 0), 0) - remove.reduce((s, p) => s + p.installedSize, 0);
    out.out(`Need to get ${sizeToStr(download)} of archives.`);
    out.out(kib >= 0 ? `After this operation, ${sizeToStr(kib * 1024)} of additional disk space will be used.` : `After this operation, ${sizeToStr(-kib * 1024)} disk space will be freed.`);
  }
  if ((additional.length || remove.length) && !o.yes) {
    out.out("Do you want to continue? [Y/n] Abort.");
    return 1;
  }

  // Download every .deb first and verify it against the index, as apt does before dpkg runs.
  mkdirp(fs, `${ARCHIVES}/partial`, 0o700);
  writeText(fs, `${ARCHIVES}/lock`, "", 0o640);
  const debs: Array<{ pkg: ArchivePackage; file: string; deb: DebFile }> = [];
  let fetched = 0;
  const started = Date.now();
  // a download that is what the index says is read (decompressed, on the xz worker) while earlier ones unpack
  const downloads = aheadOf(order, DOWNLOADS_AHEAD, async (p) => {
    const url = `${p.baseUri}/${p.filename}`;
    const r = await fetcher.get(url, { sha256: p.sha256, maxBytes: p.size + 1 });
    const deb = r.status < 400 && r.bytes.length === p.size ? readDeb(r.bytes, url) : undefined;
    deb?.catch(() => undefined); // taken, and thrown, in order below
    return { r, deb };
  });
  try {
    for (const [i, p] of order.entries()) {
      const url = `${p.baseUri}/${p.filename}`;
      const { r, deb } = await downloads.next(i);
      if (!deb) {
        out.out(`Err:${i + 1} ${p.baseUri} ${p.origin} ${p.architecture} ${p.name} ${p.architecture} ${p.version}`);
        out.out(`  ${r.status >= 400 ? `${r.status}` : `File has unexpected size (${r.bytes.length} != ${p.size})`}`);
        out.err(`E: Failed to fetch ${url}`);
        await downloads.settle();
        return 100;
      }
      if (o.quiet < 2) out.out(`Get:${i + 1} ${p.baseUri} ${p.origin} amd64 ${p.name} ${p.architecture} ${p.version} [${sizeToStr(p.size)}]`);
      fetched += r.bytes.length;
      const file = debFileName(p.name, p.version, p.architecture);
      writeText(fs, `${ARCHIVES}/${file}`, r.bytes);
      debs.push({ pkg: p, file, deb: await deb });
    }
  } catch (e) {
    await downloads.settle();
    throw e;
  }
  if (byName.has("debconf") && !byName.has("apt-utils")) out.err("debconf: delaying package configuration, since apt-utils is not installed");
  const secs = Math.max(1, Math.round((Date.now() - started) / 1000));
  if (o.quiet < 2) out.out(`Fetched ${sizeToStr(fetched)} in ${secs}s (${sizeToStr(fetched / secs)}/s)`);

  // dpkg --unpack for all, then --configure for all.
  const removing = new Set(remove.map((p) => p.name));
  const paras: Array<DpkgPackage | Paragraph> = status.filter((p) => !removing.has(p.name));
  const log: string[] = ["startup archives unpack"];
  const stamp = o.now.toISOString().replace("T", " ").slice(0, 19);
  // apt copies what dpkg prints into term.log
  const term: string[] = [];
  const dpkgOut = { out: (l: string) => { term.push(l); out.out(l); }, err: (l: string) => { term.push(l); out.err(l); } };
  const archOf = (deb: DebFile) => /^Architecture:\s*(\S+)/m.exec(deb.control.get("control")!.toString("utf8"))?.[1] ?? "amd64";
  const libcBin = byName.get("libc-bin");
  let ldconfigPending = false;
  // apt hands five or more .debs to `dpkg --unpack --recursive` through a temporary directory of
  // links (DPkg::Install::Recursive::Minimum): made and removed in /tmp, which so lands in the layer
  if (debs.length >= 5 && fs.exists("/tmp")) {
    const tmp = "/tmp/apt-dpkg-install-tsbuild";
    fs.mkdir(tmp, { mode: 0o700, owner: { uid: 0, gid: 0 } });
    for (const [i, d] of debs.entries()) fs.symlink(`${ARCHIVES}/${d.file}`, `${tmp}/${String(i).padStart(2, "0")}-${d.file}`);
    fs.rm(tmp, { recursive: true, force: true });
  }
  const script = async (q: string, path: string, args: string[]) => {
    const kind = /(preinst|postinst)$/.exec(path)?.[1] ?? path;
    if (!o.runScript) {
      o.notRun.push(`${q}.${kind} ${args[0]}`);
      return;
    }
    const r = await o.runScript(q, path, args);
    if (r.code !== 0) o.notRun.push(`${q}.${kind} ${args[0]} (exit ${r.code} in tsbuild's shell: ${r.stderr.trim().split("\n")[0] ?? ""})`);
  };
  // apt has dpkg remove what the new packages conflict with before it unpacks them (Replaces +
  // Conflicts: the files then belong to the new package alone)
  if (remove.length) {
    dpkgOut.out(`(Reading database ... ${countDatabase(fs)} files and directories currently installed.)`);
    const rc = { fs, out: dpkgOut.out, shared: dirsOfOthers(fs, removing), notRun: o.notRun, runScript: o.runScript };
    for (const p of remove) {
      const para = await dpkgRemove(rc, p, false);
      if (para) paras.push(para);
      log.push(`remove ${p.name}:${p.architecture} ${p.version} <none>`);
      auto.delete(p.name);
    }
  }
  for (const [i, { pkg, file, deb }] of debs.entries()) {
    const control = deb.control.get("control")!.toString("utf8");
    const multiArch = /^Multi-Arch:\s*(\S+)/m.exec(control)?.[1] ?? "";
    const q = qualifiedName(pkg.name, multiArch);
    dpkgOut.out(`Selecting previously unselected package ${q}.`);
    if (i === 0) dpkgOut.out(`(Reading database ... ${countDatabase(fs)} files and directories currently installed.)`);
    dpkgOut.out(`Preparing to unpack .../${String(i).padStart(2, "0")}-${file} ...`);
    if (deb.control.has("preinst") && !NATIVE[pkg.name]) {
      // dpkg runs it from a temporary copy before unpacking; the info directory holds it only afterwards
      writeText(fs, `/var/lib/dpkg/tmp.ci/preinst`, deb.control.get("preinst")!, 0o755);
      await script(q, "tmp.ci/preinst", ["install"]);
      fs.rm("/var/lib/dpkg/tmp.ci", { recursive: true, force: true });
    }
    dpkgOut.out(`Unpacking ${q} (${pkg.version}) ...`);
    const pa = `${pkg.name}:${archOf(deb)}`;
    log.push(`install ${pa} <none> ${pkg.version}`);
    if (libcBin && !ldconfigPending && deb.data.some((e) => e.type === "file" && /\.so(\.\d+)*$/.test(e.name))) {
      ldconfigPending = true;
      log.push(`status triggers-pending libc-bin:${libcBin.architecture} ${libcBin.version}`);
    }
    log.push(`status half-installed ${pa} ${pkg.version}`, `status unpacked ${pa} ${pkg.version}`);
    const entries = keptEntries(deb.data, o.filters);
    unpackEntries(fs, entries);
    writeInfo(fs, pkg.name, multiArch, deb, entries);
    paras.push(statusFromControl(control, conffilesField(fs, deb)));
  }
  log.push("startup packages configure");
  const triggers = new Set<string>();
  for (const { pkg, deb } of debs) {
    const multiArch = /^Multi-Arch:\s*(\S+)/m.exec(deb.control.get("control")!.toString("utf8"))?.[1] ?? "";
    const q = qualifiedName(pkg.name, multiArch);
    const pa = `${pkg.name}:${archOf(deb)}`;
    log.push(`configure ${pa} ${pkg.version} <none>`, `status unpacked ${pa} ${pkg.version}`, `status half-configured ${pa} ${pkg.version}`);
    dpkgOut.out(`Setting up ${q} (${pkg.version}) ...`);
    const native = NATIVE[pkg.name];
    if (native) native(fs, deb, dpkgOut);
    else {
      // its config script (through debconf's confmodule, perl) would load the templates with their defaults
      const templates = deb.control.get("templates");
      if (templates && deb.control.has("config")) registerDebconf(fs, pkg.name, templates.toString("utf8"));
      if (deb.control.has("postinst")) await script(q, `info/${q}.postinst`, ["configure", ""]);
    }
    const trig = deb.control.get("triggers")?.toString("utf8") ?? "";
    for (const m of trig.matchAll(/^\s*activate(?:-noawait)?\s+(\S+)/gm)) triggers.add(m[1]);
    if (deb.data.some((e) => e.type === "file" && /\.so(\.\d+)*$/.test(e.name))) triggers.add("ldconfig");
    log.push(`status installed ${pa} ${pkg.version}`);
  }
  registerTriggerInterests(fs, debs);
  const libc = byName.get("libc-bin");
  const all = paras.map((p) => (Array.isArray(p) ? p : p.para));
  const pending = new Map(libc && triggers.has("ldconfig") ? [["libc-bin", ["ldconfig"]]] : []);
  // dpkg's last save before configuring becomes status-old once the final state is written
  writeStatus(fs, unpackedSnapshot(all, new Set(order.map((p) => p.name)), pending));
  writeStatus(fs, paras);
  for (const p of order) if (!requested.has(p.name)) auto.add(p.name); else auto.delete(p.name);
  for (const n of nowManual) auto.delete(n);
  const arches = new Map(order.map((p) => [p.name, p.architecture]));
  writeAutoInstalled(fs, auto, (n) => arches.get(n) ?? byName.get(n)?.architecture ?? "amd64");
  if (libc && triggers.has("ldconfig")) {
    dpkgOut.out(`Processing triggers for libc-bin (${libc.version}) ...`);
    const pa = `libc-bin:${libc.architecture}`;
    log.push(`trigproc ${pa} ${libc.version} <none>`, `status half-configured ${pa} ${libc.version}`, `status installed ${pa} ${libc.version}`);
    // ldconfig itself, natively: the cache is glibc's format; its aux-cache (inode numbers, ctimes) is not written
    if (!writeLdCache(fs)) o.notRun.push("libc-bin trigger (ldconfig: the image's ldconfig does not say its glibc; /etc/ld.so.cache not rebuilt)");
  }
  writeLogs(fs, o.now, log.map((l) => `${stamp} ${l}`), term, o.commandLine, order.map((p) => `${p.name}:${p.architecture === "all" ? "amd64" : p.architecture} (${p.version}${requested.has(p.name) ? "" : ", automatic"})`), remove.map((p) => `${p.name}:${p.architecture === "all" ? "amd64" : p.architecture} (${p.version})`));
  if (o.cleanAfterInstall) {
    for (const d of debs) fs.unlink(`${ARCHIVES}/${d.file}`);
  }
  return 0;
}

/**
 * dpkg's trigger database: `interest NAME` in a package's triggers file adds the package to
 * /var/lib/dpkg/triggers/NAME (`interest /path` to triggers/File); Unincorp is rewritten when
 * triggers are processed.
 */
function registerTriggerInterests(fs: FileSystem, debs: Array<{ pkg: ArchivePackage; deb: DebFile }>): void {
  const dir = "/var/lib/dpkg/triggers";
  let any = false;
  for (const { pkg, deb } of debs) {
    const text = deb.control.get("triggers")?.toString("utf8") ?? "";
    for (const m of text.matchAll(/^\s*interest(-await|-noawait)?\s+(\S+)/gm)) {
      any = true;
      const who = pkg.name + (m[1] === "-noawait" ? "/noawait" : "");
      if (m[2].startsWith("/")) appendText(fs, `${dir}/File`, `${m[2]} ${who}\n`);
      else appendText(fs, `${dir}/${m[2]}`, `${who}\n`);
    }
    if (/^\s*activate/m.test(text)) any = true;
  }
  if (any) writeText(fs, `${dir}/Unincorp`, "");
}

function providerOf(idx: ArchiveIndex, name: string): ArchivePackage | undefined {
  const provs = idx.providers.get(name);
  // apt installs a purely virtual package's provider only when there is exactly one
  return provs && new Set(provs.map((p) => p.pkg.name)).size === 1 ? idx.candidate(provs[0].pkg.name) : undefined;
}

function countDatabase(fs: FileSystem): number {
  const info = "/var/lib/dpkg/info";
  if (!fs.exists(info)) return 0;
  const all = new Set<string>();
  for (const f of fs.readdir(info)) if (f.endsWith(".list")) for (const p of fs.readFile(`${info}/${f}`).toString("utf8").split("\n")) if (p) all.add(p);
  return all.size;
}

/** dpkg.log in dpkg's words, apt's history.log, and term.log (what dpkg printed; root:adm 0640 as apt makes it). */
function writeLogs(fs: FileSystem, now: Date, dpkg: string[], term: string[], commandLine: string, items: string[], removed: string[]): void {
  appendText(fs, "/var/log/dpkg.log", dpkg.map((l) => l + "\n").join(""));
  const start = now.toISOString().replace("T", "  ").slice(0, 21);
  appendText(fs, "/var/log/apt/history.log", `\nStart-Date: ${start}\nCommandline: ${commandLine}\nInstall: ${items.join(", ")}\n${removed.length ? `Remove: ${removed.join(", ")}\n` : ""}End-Date: ${start}\n`);
  const termLog = "/var/log/apt/term.log";
  appendText(fs, termLog, `\nLog started: ${start}\n${term.join("\n")}\nLog ended: ${start}\n\n`, 0o640);
  const adm = /^adm:[^:]*:(\d+):/m.exec(readText(fs, "/etc/group") ?? "")?.[1];
  if (adm) fs.chown(termLog, { uid: 0, gid: Number(adm) });
  // dpkg's journal directory and apt's temporary files: touched in every run, so they are in the layer
  mkdirp(fs, "/var/lib/dpkg/updates");
  writeText(fs, "/var/lib/dpkg/updates/tmp.i", "");
  fs.unlink("/var/lib/dpkg/updates/tmp.i");
}

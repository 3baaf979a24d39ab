import type { Fetcher } from "@tsbuild/fetch";
import { FetchError } from "@tsbuild/fetch";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { SimCommandContext } from "../sim-types.js";
import { lexists } from "../util/fsutil.js";
import { Cacache } from "./cacache.js";
import { extractPackage, mkdirs } from "./extract.js";
import { checkIntegrity } from "./integrity.js";
import { writeNpmLog } from "./log.js";
import { type LockEntry, LockfileError, normaliseBin, parseLockfile, registryTarball } from "./lockfile.js";
import { resolveSpecs } from "./specs.js";

export interface NpmOptions {
  command: "ci" | "install";
  /** `npm install NAME[@RANGE]…`: resolved from the registry's packuments into a new lockfile. */
  specs: string[];
  saveDev: boolean;
  saveExact: boolean;
  omit: Set<string>;
  ignoreScripts: boolean;
  /** The configured registry (npmrc, npm_config_registry), or undefined when neither says and the image's npm default was not found. */
  registry?: string;
  /** npm's built-in default registry, read from the image's npm. */
  defaultRegistry?: string;
  npmVersion: string;
  /** The npm package's directory in the image (its builtin npmrc is there). */
  npmRoot: string;
  nodeVersion: string;
  cacheDir: string;
  /** Runs a lifecycle script through tsbuild's shell: `sh -c SCRIPT` in `cwd`. */
  runScript(cwd: string, script: string, env: Record<string, string>, foreground: boolean): Promise<{ code: number; stderr: string }>;
}

export interface Err { code: number; lines: string[] }

function npmErr(ctx: SimCommandContext, e: Err): number {
  ctx.stderr(e.lines.map((l) => `npm ERR! ${l}`.trimEnd() + "\n").join(""));
  return e.code;
}

const DEP_FIELDS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"] as const;

/** npm ci's check that package.json and the lockfile's root agree (every declared range is the locked one). */
function inSync(pkg: Record<string, unknown>, root: Record<string, unknown>): boolean {
  for (const f of DEP_FIELDS.slice(0, 3)) {
    const a = (pkg[f] ?? {}) as Record<string, string>;
    const b = (root[f] ?? {}) as Record<string, string>;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (a[k] !== b[k]) return false;
  }
  return true;
}

function omitted(e: LockEntry, omit: Set<string>): boolean {
  if (e.dev && omit.has("dev")) return true;
  if (e.optional && omit.has("optional")) return true;
  if (e.devOptional && omit.has("dev") && omit.has("optional")) return true;
  return false;
}

/** An optional package for another platform, which npm skips (os/cpu of the lockfile entry). */
function wrongPlatform(e: LockEntry): boolean {
  const fits = (list: unknown, value: string) => {
    if (!Array.isArray(list) || !list.length) return true;
    const neg = list.filter((x) => String(x).startsWith("!")).map((x) => String(x).slice(1));
    const pos = list.filter((x) => !String(x).startsWith("!"));
    if (neg.includes(value)) return false;
    return pos.length === 0 || pos.includes(value);
  };
  return !fits(e.raw.os, "linux") || !fits(e.raw.cpu, "x64");
}

function tarballUrl(e: LockEntry, o: NpmOptions): string | Err {
  let url = e.resolved;
  if (!url) {
    const registry = o.registry ?? o.defaultRegistry;
    if (!registry || !e.version) return { code: 1, lines: [`tsbuild: ${e.path} has no "resolved" URL and the registry is unknown`] };
    url = registryTarball(registry, e.name, e.version);
  } else if (o.registry && o.defaultRegistry && o.registry !== o.defaultRegistry && url.startsWith(o.defaultRegistry)) {
    // replace-registry-host=npmjs (npm's default): the configured registry serves what the lockfile says came from the default
    url = o.registry.replace(/\/*$/, "/") + url.slice(o.defaultRegistry.length);
  }
  if (!/^https?:\/\//.test(url)) return { code: 1, lines: [`tsbuild: ${e.path} resolves to "${url}": only registry tarballs (http/https) are installed by tsbuild's npm`] };
  return url;
}

/** `npm ci` (and `npm install` with a lockfile) as npm 9 leaves the filesystem. */
export async function npmInstall(ctx: SimCommandContext, fetcher: Fetcher, o: NpmOptions): Promise<number> {
  const fs = ctx.fs;
  const prefix = ctx.cwd === "/" ? "" : ctx.cwd;
  const pkgPath = `${prefix}/package.json`;
  if (!fs.exists(pkgPath) && !o.specs.length) {
    return npmErr(ctx, { code: 254, lines: ["code ENOENT", "syscall open", `path ${pkgPath}`, "errno -2", `enoent ENOENT: no such file or directory, open '${pkgPath}'`, "enoent This is related to npm not being able to find a file.", "enoent "] });
  }
  let pkg: Record<string, unknown> = {};
  try {
    if (fs.exists(pkgPath)) pkg = JSON.parse(fs.readFile(pkgPath).toString("utf8")) as Record<string, unknown>;
  } catch (e) {
    return npmErr(ctx, { code: 1, lines: ["code EJSONPARSE", `path ${pkgPath}`, `JSON.parse Failed to parse json`, `JSON.parse ${(e as Error).message}`] });
  }
  let lockName = ["npm-shrinkwrap.json", "package-lock.json"].find((n) => fs.exists(`${prefix}/${n}`));
  if (o.specs.length) {
    // simple only: no lockfile and no node_modules to merge with
    if (lockName || lexists(fs, `${prefix}/node_modules`)) return -1;
    const made = await resolveSpecs(ctx, fetcher, o, prefix, pkgPath, pkg);
    if (typeof made !== "string") return npmErr(ctx, made);
    lockName = made;
    pkg = JSON.parse(fs.readFile(pkgPath).toString("utf8")) as Record<string, unknown>;
  }
  if (!lockName) {
    if (o.command === "install") return -1; // not simple: the caller's fallback answers
    return npmErr(ctx, { code: 1, lines: ["code EUSAGE", "", "The `npm ci` command can only install with an existing package-lock.json or", "npm-shrinkwrap.json with lockfileVersion >= 1. Run an install with npm@5 or", "later to generate a package-lock.json file, then try again.", "", "Clean install a project", "", "Usage:", "npm ci", "", "Options:", "[--install-strategy <hoisted|nested|shallow|linked>] [--legacy-bundling]", "[--global-style] [--omit <dev|optional|peer> [--omit <dev|optional|peer> ...]]", "[--strict-peer-deps] [--no-package-lock] [--foreground-scripts]", "[--ignore-scripts] [--no-audit] [--no-bin-links] [--no-fund] [--dry-run]", "[-w|--workspace <workspace-name> [-w|--workspace <workspace-name> ...]]", "[-ws|--workspaces] [--include-workspace-root] [--install-links]", "", "aliases: clean-install, ic, install-clean, isntall-clean", "", 'Run "npm help ci" for more info']});
  }
  let lock;
  try {
    lock = parseLockfile(fs.readFile(`${prefix}/${lockName}`).toString("utf8"), `${prefix}/${lockName}`);
  } catch (e) {
    if (e instanceof LockfileError) return npmErr(ctx, { code: 1, lines: [e.message] });
    throw e;
  }
  if (!inSync(pkg, lock.root)) {
    if (o.command === "install") return -1;
    return npmErr(ctx, { code: 1, lines: ["code EUSAGE", "", "`npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.", ""] });
  }
  const owner = ctx.owner;
  const asRoot = owner.uid === 0;
  const umask = 0o022;
  const nm = `${prefix}/node_modules`;
  // npm ci starts from an empty node_modules
  if (o.command === "ci" && lexists(fs, nm)) fs.rm(nm, { recursive: true, force: true });
  const now = ctx.now?.() ?? new Date();
  const cache = new Cacache(fs, `${o.cacheDir}/_cacache`, owner);
  const chosen = lock.entries.filter((e) => !omitted(e, o.omit) && !(e.optional && wrongPlatform(e)) && !e.inBundle);
  const installed: LockEntry[] = [];
  const fetched: Array<{ path: string; name: string; version: string; url: string; ms?: number }> = [];
  const notRun: string[] = [];
  // npm install keeps what node_modules already holds as the lockfile says (its hidden lockfile
  // records it), removes what the lockfile no longer has, and replaces what changed
  const hidden = o.command === "install" ? (readJson(fs, `${nm}/.package-lock.json`)?.packages as Record<string, Record<string, unknown>> | undefined) : undefined;
  let removed = 0;
  if (hidden) {
    const keep = new Set(chosen.map((e) => e.path));
    for (const path of Object.keys(hidden)) {
      if (!keep.has(path) && lexists(fs, `${prefix}/${path}`)) {
        fs.rm(`${prefix}/${path}`, { recursive: true, force: true });
        removed++;
      }
    }
  }
  for (const e of chosen) {
    const dest = `${prefix}/${e.path}`;
    const had = hidden?.[e.path];
    if (had && had.version === e.version && had.integrity === e.integrity && fs.exists(`${dest}/package.json`)) continue;
    if (o.command === "install" && lexists(fs, dest)) fs.rm(dest, { recursive: true, force: true });
    if (e.link) {
      const target = (e.resolved ?? "").replace(/^file:/, "");
      mkdirs(fs, dest.slice(0, dest.lastIndexOf("/")), 0o777 & ~umask, owner);
      const from = dest.slice(0, dest.lastIndexOf("/")).slice(prefix.length + 1).split("/").filter(Boolean);
      fs.symlink(`${"../".repeat(from.length)}${target}`, dest, { owner });
      continue;
    }
    const url = tarballUrl(e, o);
    if (typeof url !== "string") return npmErr(ctx, url);
    let bytes = e.integrity ? cache.get(e.integrity) : undefined;
    let ms: number | undefined;
    const cached = bytes !== undefined;
    if (!bytes) {
      try {
        // a registry tarball never changes: the content cache answers first
        const started = Date.now();
        const r = await fetcher.get(url, { fresh: false });
        ms = Date.now() - started;
        if (r.status >= 400) {
          return npmErr(ctx, { code: 1, lines: [`code E${r.status}`, `${r.status} ${r.status === 404 ? "Not Found" : "Error"} - GET ${url}`] });
        }
        bytes = r.bytes;
      } catch (err) {
        if (!(err instanceof FetchError)) throw err;
        if (err.code === "offline-miss") ctx.note?.(err.message);
        const host = (() => { try { return new URL(url).host; } catch { return url; } })();
        const lines = err.code === "network-disabled" || /ENOTFOUND|EAI_AGAIN/.test(err.message)
          ? ["code ENOTFOUND", "syscall getaddrinfo", "errno ENOTFOUND", `network request to ${url} failed, reason: getaddrinfo ENOTFOUND ${host}`, "network This is a problem related to network connectivity."]
          : ["code ECONNREFUSED", `network request to ${url} failed, reason: ${err.message}`, "network This is a problem related to network connectivity."];
        return npmErr(ctx, { code: 1, lines });
      }
    }
    if (e.integrity) {
      const bad = checkIntegrity(bytes, e.integrity);
      if (bad) return npmErr(ctx, { code: 1, lines: ["code EINTEGRITY", bad] });
    }
    if (!cached) cache.put(url, bytes, e.integrity ?? "", now);
    const bins = new Set(Object.values(e.bin ?? {}));
    try {
      await extractPackage(fs, bytes, dest, { owner, umask, bins, preserveOwner: asRoot });
    } catch (err) {
      return npmErr(ctx, { code: 1, lines: ["code TAR_BAD_ARCHIVE", `TAR_BAD_ARCHIVE: ${url}: ${(err as Error).message}`] });
    }
    installed.push(e);
    fetched.push({ path: e.path, name: e.name, version: e.version ?? "", url, ms });
  }
  const linked = linkBins(fs, prefix, installed, owner, umask);
  writeHiddenLockfile(fs, nm, lock, chosen, owner);
  // lifecycle scripts: dependencies (deepest first, as npm's build ideal order), then the root project
  if (!o.ignoreScripts) {
    const events = ["preinstall", "install", "postinstall"];
    for (const e of [...installed].sort((a, b) => b.path.split("node_modules/").length - a.path.split("node_modules/").length)) {
      if (!e.hasInstallScript) continue;
      const dir = `${prefix}/${e.path}`;
      const manifest = readJson(fs, `${dir}/package.json`);
      const scripts = { ...((manifest?.scripts ?? {}) as Record<string, string>) };
      if (!scripts.install && !scripts.preinstall && fs.exists(`${dir}/binding.gyp`)) scripts.install = "node-gyp rebuild";
      for (const ev of events) {
        if (!scripts[ev]) continue;
        const failed = await lifecycle(ctx, o, dir, e.name, String(manifest?.version ?? e.version), ev, scripts[ev], prefix, notRun);
        if (failed && !e.optional) return npmErr(ctx, failed);
      }
    }
    const rootScripts = (pkg.scripts ?? {}) as Record<string, string>;
    for (const ev of [...events, "preprepare", "prepare", "postprepare"]) {
      if (!rootScripts[ev]) continue;
      const failed = await lifecycle(ctx, o, prefix || "/", String(pkg.name ?? ""), String(pkg.version ?? ""), ev, rootScripts[ev], prefix, notRun);
      if (failed) return npmErr(ctx, failed);
    }
  }
  writeNpmLog(fs, {
    cacheDir: o.cacheDir, prefix, command: o.command, args: ctx.argv.slice(1), npmVersion: o.npmVersion, nodeVersion: o.nodeVersion,
    npmRoot: o.npmRoot, packages: fetched, bins: linked, now, owner,
  });
  const funding = installed.filter((e) => e.raw.funding !== undefined || readJson(fs, `${prefix}/${e.path}/package.json`)?.funding !== undefined).length;
  if (o.command === "install") {
    // npm install saves the lockfile it reified from, even unchanged (measured: npm 9.2 rewrites it)
    // with the file's own indentation and line ends, as npm keeps them
    const original = fs.readFile(`${prefix}/${lockName}`).toString("utf8");
    const indent = /^\{\r?\n([ \t]+)"/.exec(original)?.[1] ?? "  ";
    const eol = original.includes("\r\n") ? "\r\n" : "\n";
    fs.writeFile(`${prefix}/${lockName}`, (JSON.stringify(lock.raw, null, indent) + "\n").replace(/\n/g, eol), { mode: 0o644, owner });
  }
  const changes = [
    ...(installed.length ? [`added ${installed.length} package${installed.length === 1 ? "" : "s"}`] : []),
    ...(removed ? [`removed ${removed} package${removed === 1 ? "" : "s"}`] : []),
  ];
  let text = `\n${changes.length ? changes.join(", ") : "up to date"} in 1s\n`;
  if (funding) text += `\n${funding} package${funding === 1 ? " is" : "s are"} looking for funding\n  run \`npm fund\` for details\n`;
  ctx.stdout(text);
  if (notRun.length) ctx.note?.(`npm: tsbuild could not run these lifecycle scripts (their programs cannot run here; what they would have built is missing): ${notRun.join("; ")}`);
  return 0;
}

function readJson(fs: FileSystem, path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFile(path).toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * bin-links for a local install: `<parent node_modules>/.bin/NAME` → `../PKG/TARGET` (relative
 * symlinks), each target chmod 0777 & ~umask as bin-links' fixBin does.
 */
function linkBins(fs: FileSystem, prefix: string, entries: LockEntry[], owner: { uid: number; gid: number }, umask: number): string[] {
  const linked: string[] = [];
  for (const e of entries) {
    const dir = `${prefix}/${e.path}`;
    const bin = e.bin ?? normaliseBin(e.name, readJson(fs, `${dir}/package.json`)?.bin);
    if (!bin) continue;
    const i = e.path.lastIndexOf("node_modules/");
    const parentNm = `${prefix}/${e.path.slice(0, i)}node_modules`;
    const rel = e.path.slice(i + "node_modules/".length);
    for (const [name, target] of Object.entries(bin)) {
      const file = `${dir}/${target}`;
      if (!fs.exists(file)) continue;
      mkdirs(fs, `${parentNm}/.bin`, 0o777 & ~umask, owner);
      const link = `${parentNm}/.bin/${name}`;
      if (lexists(fs, link)) fs.unlink(link);
      fs.symlink(`../${rel}/${target}`, link, { owner });
      fs.chmod(file, 0o777 & ~umask);
      if (!linked.includes(e.path)) linked.push(e.path);
    }
  }
  return linked;
}

/** node_modules/.package-lock.json: the installed entries of the lockfile, lockfileVersion 3, no root entry. */
function writeHiddenLockfile(fs: FileSystem, nm: string, lock: ReturnType<typeof parseLockfile>, chosen: LockEntry[], owner: { uid: number; gid: number }): void {
  if (!fs.exists(nm)) return;
  const packages: Record<string, unknown> = {};
  for (const e of chosen) packages[e.path] = e.raw;
  const doc: Record<string, unknown> = {};
  if (lock.name !== undefined) doc.name = lock.name;
  if (lock.version !== undefined) doc.version = lock.version;
  doc.lockfileVersion = 3;
  doc.requires = true;
  doc.packages = packages;
  fs.writeFile(`${nm}/.package-lock.json`, JSON.stringify(doc, null, 2) + "\n", { mode: 0o644, owner });
}

async function lifecycle(
  ctx: SimCommandContext, o: NpmOptions, dir: string, name: string, version: string, event: string, script: string, prefix: string, notRun: string[],
): Promise<Err | undefined> {
  // npm 9 runs dependencies' scripts in the background (their output shown only on failure);
  // the project's own scripts run in the foreground under a banner
  const foreground = dir === (prefix || "/");
  if (foreground) ctx.stdout(`\n> ${name}@${version} ${event}\n> ${script}\n\n`);
  const bins: string[] = [];
  for (let d = dir; d.startsWith(prefix || "/") && d !== ""; d = d.slice(0, d.lastIndexOf("/"))) {
    if (d.endsWith("/node_modules")) continue;
    bins.push(`${d}/node_modules/.bin`);
    if (d === prefix) break;
  }
  const env: Record<string, string> = {
    ...ctx.env,
    PATH: [...bins, ctx.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"].join(":"),
    npm_lifecycle_event: event, npm_lifecycle_script: script, npm_package_name: name, npm_package_version: version,
    npm_package_json: `${dir}/package.json`, npm_config_cache: o.cacheDir, npm_command: o.command, INIT_CWD: prefix || "/", npm_node_execpath: "/usr/bin/node",
  };
  const r = await o.runScript(dir, script, env, foreground);
  // 127: the script calls a program tsbuild cannot run (node, node-gyp): named, the install goes on
  if (r.code === 127) notRun.push(`${name}@${version} ${event} (\`${script}\`: exit ${r.code}${r.stderr.trim() ? `, ${r.stderr.trim().split("\n")[0]}` : ""})`);
  else if (r.code !== 0) return { code: r.code, lines: [`code ${r.code}`, `path ${dir}`, "command failed", `command sh -c ${script}`] };
  return undefined;
}

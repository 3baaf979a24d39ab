import type { Fetcher, FetchResult } from "@tsbuild/fetch";
import { FetchError } from "@tsbuild/fetch";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { SimCommandContext } from "../../sim-types.js";
import { lexists, mkdirp, readText, writeText } from "../../util/fsutil.js";
import { outOf } from "../../util/output.js";
import type { Options } from "../apt.js";
import { readSources } from "../sources.js";
import { readPathFilters } from "../unpack.js";
import { ArchiveIndex } from "./index-file.js";
import { realInstall } from "./install.js";
import { keyringFor } from "./release.js";
import { groupSources, realUpdate } from "./update.js";

interface AptConf { recommends: boolean; cleanAfterInstall: boolean; pkgcache: boolean }

/**
 * apt's binary caches (pkgcache.bin, srcpkgcache.bin) in apt's own mmap format are not generated:
 * tsbuild writes zero-filled files of the size real apt 2.6 left next to bookworm's main lists
 * (39,092,108 and 39,092,048 bytes for a 50,060,337-byte Packages file, measured with dockerd),
 * scaled by the size of the image's Packages lists.
 */
const PKGCACHE_PER_PACKAGES_BYTE = 39_092_108 / 50_060_337;

/** The dpkg/apt architecture of the image (dpkg's default when the image does not say). */
function architecture(fs: FileSystem): string {
  return readText(fs, "/var/lib/dpkg/arch")?.split("\n")[0]?.trim() || "amd64";
}

function isRealProgram(fs: FileSystem, path: string): boolean {
  try {
    const head = fs.readFile(path).subarray(0, 4);
    return head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
  } catch {
    return false;
  }
}

function userId(fs: FileSystem, name: string): number {
  const line = (readText(fs, "/etc/passwd") ?? "").split("\n").find((l) => l.startsWith(`${name}:`));
  return line ? Number(line.split(":")[2]) : 0;
}

function languages(fs: FileSystem): boolean {
  let text = readText(fs, "/etc/apt/apt.conf") ?? "";
  const dir = "/etc/apt/apt.conf.d";
  if (fs.exists(dir)) for (const n of fs.readdir(dir)) text += "\n" + (readText(fs, `${dir}/${n}`) ?? "");
  return !/Acquire::Languages\s+"none"/.test(text);
}

/**
 * `apt-get update` / `install` against the real archive, or undefined when the catalog must
 * answer instead: no sources, no keyring the image can verify with, no reachable or cached
 * InRelease (update), no real Packages lists (install).
 */
export async function realApt(
  ctx: SimCommandContext, fetcher: Fetcher, front: string, cmd: "update" | "install", opts: Options, conf: AptConf,
): Promise<number | undefined> {
  const fs = ctx.fs;
  const out = outOf(ctx);
  // The built-in simulated images (zero-filled programs) keep their catalogs: real packages over
  // placeholder libraries would be neither Docker's image nor tsbuild's estimate.
  if (!isRealProgram(fs, "/usr/bin/dpkg")) return undefined;
  const sources = readSources(fs);
  if (!sources.length) return undefined;
  const arch = architecture(fs);
  const notRun: string[] = [];
  let code: number;
  if (cmd === "update") {
    const first = groupSources(sources)[0];
    if (!(await keyringFor(fs, first)).keys.length) return undefined;
    const prefetched = new Map<string, FetchResult>();
    if (fetcher.network) {
      const url = `${first.uri}/dists/${first.suite}/InRelease`;
      try {
        prefetched.set(url, await fetcher.get(url, { fresh: true, maxBytes: 64 << 20 }));
      } catch (e) {
        if (!(e instanceof FetchError)) throw e;
        ctx.note?.(`${front}: the real archive is not available (${e.message})`);
        return undefined;
      }
    }
    // Without network (RUN --network=none) the real tool runs and fails as apt does.
    code = await realUpdate(fs, out, fetcher, sources, {
      arch, languages: languages(fs), quiet: opts.quiet, owner: (n) => ({ uid: userId(fs, n), gid: 0 }), prefetched,
    });
  } else {
    const idx = ArchiveIndex.load(fs, sources, arch);
    if (!idx.listFiles) return undefined;
    if (opts.quiet < 2) {
      out.out("Reading package lists...");
      out.out("Building dependency tree...");
      out.out("Reading state information...");
    }
    // apt and dpkg open their lock files for writing (O_CREAT|O_TRUNC): copied up into the layer
    const aptUser = { uid: userId(fs, "_apt"), gid: 0 };
    for (const [path, mode] of [["/var/lib/dpkg/lock", 0o640], ["/var/lib/dpkg/lock-frontend", 0o640], ["/var/lib/dpkg/triggers/Lock", 0o600], ["/var/cache/apt/archives/lock", 0o640]] as const) {
      writeText(fs, path, "", lexists(fs, path) ? fs.stat(path).mode & 0o7777 : mode);
    }
    mkdirp(fs, "/var/cache/apt/archives/partial", 0o700);
    fs.chmod("/var/cache/apt/archives/partial", 0o700);
    fs.chown("/var/cache/apt/archives/partial", aptUser);
    try {
      code = await realInstall(fs, out, fetcher, idx, opts.args, {
        yes: opts.yes, quiet: opts.quiet, recommends: opts.recommends ?? conf.recommends, cleanAfterInstall: conf.cleanAfterInstall,
        filters: readPathFilters(fs), now: ctx.now?.() ?? new Date(), commandLine: `${front} ${ctx.argv.slice(1).join(" ")}`, notRun,
        runScript: scriptRunner(ctx, fetcher),
      });
    } catch (e) {
      if (!(e instanceof FetchError)) throw e;
      out.err(`E: Failed to fetch ${e.url}  ${e.message}`);
      out.err("E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?");
      return 100;
    }
  }
  if (code === 0) binaryCaches(ctx, fs, conf, sources, arch, front);
  if (notRun.length) ctx.note?.(`${front}: tsbuild did not run these maintainer scripts and triggers: ${notRun.join(", ")}`);
  return code;
}

/** The maintainer-script runner for removals: only on images with a real dpkg (the catalog's packages have no scripts). */
export function removalScripts(ctx: SimCommandContext, fetcher?: Fetcher) {
  return isRealProgram(ctx.fs, "/usr/bin/dpkg") ? scriptRunner(ctx, fetcher) : undefined;
}

/**
 * Maintainer scripts run through tsbuild's shell, as dpkg runs them: `/bin/sh SCRIPT ARGS` with
 * dpkg's DPKG_MAINTSCRIPT_* variables, as root, in /. Their output is the command's output.
 */
function scriptRunner(ctx: SimCommandContext, fetcher: Fetcher | undefined) {
  return async (pkg: string, script: string, args: string[]) => {
    const [{ runCommand }, { simulatedBinariesWith }] = await Promise.all([import("@tsbuild/shell"), import("../../binaries.js")]);
    let stderr = "";
    const name = /(preinst|postinst|prerm|postrm)$/.exec(script)?.[1] ?? "postinst";
    const env: Record<string, string> = {
      PATH: ctx.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      DPKG_MAINTSCRIPT_PACKAGE: pkg.replace(/:.*$/, ""), DPKG_MAINTSCRIPT_NAME: name,
      DPKG_MAINTSCRIPT_ARCH: "amd64", DPKG_RUNNING_VERSION: "1.21.22", DPKG_ADMINDIR: "/var/lib/dpkg", DPKG_ROOT: "",
    };
    if (ctx.env.DEBIAN_FRONTEND) env.DEBIAN_FRONTEND = ctx.env.DEBIAN_FRONTEND;
    const r = await runCommand(ctx.fs, {
      argv: ["/bin/sh", `/var/lib/dpkg/${script}`, ...args], config: { Env: Object.entries(env).map(([k, v]) => `${k}=${v}`) },
      stdout: (s) => ctx.stdout(s), stderr: (s) => void (stderr += s),
      binaries: simulatedBinariesWith({ fetcher }), now: ctx.now,
    });
    return { code: r.exitCode, stderr: r.error ?? stderr };
  };
}

function binaryCaches(ctx: SimCommandContext, fs: FileSystem, conf: AptConf, sources: ReturnType<typeof readSources>, arch: string, front: string): void {
  const dir = "/var/cache/apt";
  if (!conf.pkgcache || conf.cleanAfterInstall) {
    // docker-clean's Post-Invoke removes them after every apt run
    for (const n of ["pkgcache.bin", "srcpkgcache.bin"]) if (lexists(fs, `${dir}/${n}`)) fs.unlink(`${dir}/${n}`);
    return;
  }
  let lists = 0;
  for (const s of sources) for (const c of s.components) {
    const p = `/var/lib/apt/lists/${s.uri.replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "").replaceAll("/", "_")}_dists_${s.suite.replaceAll("/", "_")}_${c}_binary-${arch}_Packages`;
    if (fs.exists(p)) lists += fs.stat(p).size;
  }
  if (!lists) return;
  const size = Math.round(lists * PKGCACHE_PER_PACKAGES_BYTE);
  mkdirp(fs, dir);
  // zeros kept as a size (truncate), not 2 × 39 MB of bytes copied into the tree at every apt run
  for (const [name, bytes] of [["pkgcache.bin", size], ["srcpkgcache.bin", size - 60]] as const) {
    writeText(fs, `${dir}/${name}`, "");
    fs.truncate(`${dir}/${name}`, bytes);
  }
  ctx.note?.(`${front}: /var/cache/apt/pkgcache.bin and srcpkgcache.bin are zero-filled stand-ins of the size real apt leaves (tsbuild does not write apt's binary cache format)`);
}

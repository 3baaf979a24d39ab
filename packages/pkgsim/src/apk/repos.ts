import { createHash } from "node:crypto";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import { lexists, mkdirp, readText, writeText, zeroBytes } from "../util/fsutil.js";
import type { Out } from "../util/output.js";

export const CACHE_DIR = "/var/cache/apk";

/**
 * Sizes of the APKINDEX.tar.gz of each repository (bytes) and the distinct package count apk
 * reports after an update; estimates for x86_64 (see README, "Figures").
 */
const INDEX_SIZES: Record<string, { main: number; community: number; distinct: number }> = {
  "3.19": { main: 660_000, community: 1_590_000, distinct: 23045 },
  "3.20": { main: 690_000, community: 1_700_000, distinct: 24221 },
};

export function repositories(fs: FileSystem): string[] {
  return (readText(fs, "/etc/apk/repositories") ?? "")
    .split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
}

function indexUrl(repo: string): string {
  return `${repo.replace(/\/$/, "")}/x86_64/APKINDEX.tar.gz`;
}

/** apk names a cached index after the repository: APKINDEX.<8 hex digits of its checksum>.tar.gz. */
export function indexCachePath(repo: string): string {
  return `${CACHE_DIR}/APKINDEX.${createHash("sha1").update(indexUrl(repo)).digest("hex").slice(0, 8)}.tar.gz`;
}

function releaseOf(repo: string, fallback: string): string {
  return /\/v(\d+\.\d+)\//.exec(repo)?.[1] ?? fallback;
}

/**
 * Makes the indexes available: "fetch URL" per repository when it is not cached (or `force`),
 * written to /var/cache/apk unless `noCache`. Returns whether anything was fetched.
 */
export function ensureIndexes(fs: FileSystem, out: Out, release: string, opts: { force: boolean; noCache: boolean }): boolean {
  let fetched = false;
  for (const repo of repositories(fs)) {
    const path = indexCachePath(repo);
    if (!opts.force && !opts.noCache && lexists(fs, path)) continue;
    out.out(`fetch ${indexUrl(repo)}`);
    fetched = true;
    if (opts.noCache) continue;
    const sizes = INDEX_SIZES[releaseOf(repo, release)] ?? INDEX_SIZES[release] ?? INDEX_SIZES["3.19"];
    mkdirp(fs, CACHE_DIR);
    writeText(fs, path, zeroBytes(repo.includes("community") ? sizes.community : sizes.main));
  }
  return fetched;
}

/** The lines `apk update` prints after fetching. */
export function updateSummary(fs: FileSystem, out: Out, release: string, fullRelease: string): void {
  const sizes = INDEX_SIZES[release] ?? INDEX_SIZES["3.19"];
  repositories(fs).forEach((repo, i) => {
    const hash = createHash("sha1").update(repo).digest("hex").slice(0, 11);
    out.out(`v${fullRelease}-${i + 1}-g${hash} [${repo}]`);
  });
  out.out(`OK: ${sizes.distinct} distinct packages available`);
}

/** Package caching is on only when /etc/apk/cache exists (a directory or a link to one), as in apk. */
export function packageCacheDir(fs: FileSystem): string | undefined {
  return fs.exists("/etc/apk/cache") ? "/etc/apk/cache" : undefined;
}

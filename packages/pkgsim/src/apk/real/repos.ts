import { createHash } from "node:crypto";
import { FetchError, type Fetcher } from "@tsbuild/fetch";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import { mkdirp, readText } from "../../util/fsutil.js";
import { parseApkIndex, type IndexPackage } from "./apkindex.js";
import { splitGzip } from "./gzip.js";
import { checkSignature } from "./sign.js";
import { readApkTar } from "./tar.js";

export interface Repo {
  /** The line of /etc/apk/repositories without its @tag. */
  url: string;
  tag?: string;
}

export interface RepoIndex {
  repo: Repo;
  indexUrl: string;
  /** The DESCRIPTION member (`v3.19.1-36-g…`), printed by `apk update`. */
  description: string;
  packages: IndexPackage[];
}

export interface LoadedIndexes {
  indexes: RepoIndex[];
  unavailable: number;
  stale: number;
  /** What apk printed while opening the repositories (fetch lines, warnings). */
  lines: Array<{ err: boolean; text: string }>;
  /** True when no index came from anywhere only because nothing is reachable or cached: the catalog answers instead. */
  nothingReachable: boolean;
}

/** apk's default cache_max_age: an index older than this is fetched again by add/upgrade. */
const MAX_AGE_S = 4 * 60 * 60;

export function readRepos(fs: FileSystem): Repo[] {
  const out: Repo[] = [];
  for (const raw of (readText(fs, "/etc/apk/repositories") ?? "").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^@(\S+)\s+(\S+)/.exec(line);
    out.push(m ? { url: m[2], tag: m[1] } : { url: line.split(/\s+/)[0] });
  }
  return out;
}

export function apkArch(fs: FileSystem): string {
  return (readText(fs, "/etc/apk/arch") ?? "").trim() || "x86_64";
}

export const indexUrlOf = (repo: string, arch: string) => `${repo}${repo.endsWith("/") ? "" : "/"}${arch}/APKINDEX.tar.gz`;

/** apk's cache directory: /etc/apk/cache when it exists (package caching on), else /var/cache/apk. */
export function cacheDir(fs: FileSystem): string {
  return fs.exists("/etc/apk/cache") ? "/etc/apk/cache" : "/var/cache/apk";
}

/** APKINDEX.<first 4 bytes of SHA-1 of the index URL, hex>.tar.gz (apk_repo_format_cache_index). */
export function cachedIndexPath(fs: FileSystem, url: string): string {
  return `${cacheDir(fs)}/APKINDEX.${createHash("sha1").update(url).digest("hex").slice(0, 8)}.tar.gz`;
}

class IndexError extends Error {
  constructor(readonly apkWords: string, readonly detail: string, readonly network = false) {
    super(apkWords);
  }
}

/** apk_error_str's words for a failed download. */
export function fetchErrorWords(e: FetchError): string {
  return fetchWords(e).apkWords;
}

function fetchWords(e: FetchError): IndexError {
  if (e.code === "offline-miss") return new IndexError("network error (check Internet connection and firewall)", e.message, true);
  if (e.code === "network-disabled") return new IndexError("DNS lookup error", e.message, false);
  if (e.code === "network") return new IndexError("network error (check Internet connection and firewall)", e.message, true);
  return new IndexError("remote server returned error (try 'apk update')", e.message, false);
}

/** Verifies an APKINDEX.tar.gz (signature over its second gzip stream) and parses it. */
export async function openIndex(fs: FileSystem, bytes: Buffer, repo: Repo, url: string, allowUntrusted = false): Promise<RepoIndex> {
  let parts;
  try {
    parts = splitGzip(bytes, url);
  } catch (e) {
    throw new IndexError("BAD archive", (e as Error).message);
  }
  if (parts.length < 2) throw new IndexError("UNTRUSTED signature", `${url}: no signature stream before the index`);
  const sig = await checkSignature(fs, parts[0].data, parts[1].raw);
  // --allow-untrusted accepts a missing key (apk's ENOKEY), never a signature that does not verify
  if (!sig.ok && !(allowUntrusted && sig.error === "UNTRUSTED signature")) throw new IndexError(sig.error, `${url}: ${sig.detail}`);
  const members = await readApkTar(parts[1].data);
  const index = members.find((m) => m.name === "APKINDEX");
  if (!index) throw new IndexError("archive does not contain expected data", `${url}: no APKINDEX member`);
  const description = members.find((m) => m.name === "DESCRIPTION")?.data.toString("utf8").trim() ?? "";
  return { repo, indexUrl: url, description, packages: parseApkIndex(index.data.toString("utf8"), repo.url) };
}

export interface LoadOptions {
  /** `update`, `-U`: fetch even when the cached index is fresh. */
  force: boolean;
  noCache: boolean;
  /** add/upgrade/update may fetch (apk's autoupdate); del only reads the cache. */
  autoupdate: boolean;
  now: Date;
  /** `-X URL` / `--repository URL`: repositories added for this command. */
  extraRepos?: string[];
  allowUntrusted?: boolean;
}

/**
 * apk_db_add_repository for every repository line: fetched through the content cache, verified
 * with /etc/apk/keys, kept in apk's cache directory unless --no-cache. Nothing is written to the
 * image here: `write` says which cache files to write once the caller commits to the real path.
 */
export async function loadIndexes(fs: FileSystem, fetcher: Fetcher, o: LoadOptions): Promise<LoadedIndexes & { write: Array<{ path: string; bytes: Buffer }> }> {
  const arch = apkArch(fs);
  const res: LoadedIndexes & { write: Array<{ path: string; bytes: Buffer }> } = { indexes: [], unavailable: 0, stale: 0, lines: [], nothingReachable: false, write: [] };
  let networkOnly = true;
  const repos = [...readRepos(fs), ...(o.extraRepos ?? []).map((url) => ({ url }))];
  for (const repo of repos) {
    const url = indexUrlOf(repo.url, arch);
    if (!/^https?:\/\//.test(repo.url)) {
      res.lines.push({ err: true, text: `WARNING: opening ${repo.url}: tsbuild reads only http(s) repositories` });
      res.unavailable++;
      networkOnly = false;
      continue;
    }
    const cachePath = cachedIndexPath(fs, url);
    let fresh: RepoIndex | undefined;
    let updateError: IndexError | undefined;
    let action = "fetching";
    const download = async () => {
      res.lines.push({ err: false, text: `fetch ${url}` });
      try {
        const r = await fetcher.get(url, { fresh: true, maxBytes: 256 << 20 });
        if (r.status >= 400) throw new IndexError("remote server returned error (try 'apk update')", `${url}: HTTP ${r.status}`);
        fresh = await openIndex(fs, r.bytes, repo, url, o.allowUntrusted);
        return r.bytes;
      } catch (e) {
        if (e instanceof FetchError) throw fetchWords(e);
        throw e;
      }
    };
    try {
      if (o.noCache) {
        await download();
      } else {
        action = "opening from cache";
        const cached = fs.exists(cachePath) ? fs.stat(cachePath) : undefined;
        const stale = !cached || (o.now.getTime() - cached.mtime.getTime()) / 1000 > MAX_AGE_S;
        if (o.autoupdate && (o.force || stale)) {
          try {
            const bytes = await download();
            res.write.push({ path: cachePath, bytes });
          } catch (e) {
            if (!(e instanceof IndexError)) throw e;
            updateError = e;
          }
        }
        if (!fresh) {
          if (!cached) throw updateError ?? new IndexError("No such file or directory", `${cachePath} is missing (run apk update)`);
          fresh = await openIndex(fs, fs.readFile(cachePath), repo, url, o.allowUntrusted);
        }
      }
    } catch (e) {
      if (!(e instanceof IndexError)) throw e;
      if (!e.network) networkOnly = false;
      const words = updateError && updateError !== e ? "updating and opening" : updateError ? "updating and opening" : action;
      res.lines.push({ err: true, text: `WARNING: ${words} ${repo.url}: ${e.apkWords}` }, { err: true, text: `  (${e.detail})` });
      res.unavailable++;
      continue;
    }
    if (updateError) {
      if (!updateError.network) networkOnly = false;
      res.lines.push({ err: true, text: `WARNING: updating ${repo.url}: ${updateError.apkWords}` }, { err: true, text: `  (${updateError.detail})` });
      res.stale++;
    }
    res.indexes.push(fresh!);
  }
  res.nothingReachable = res.indexes.length === 0 && res.unavailable > 0 && networkOnly && fetcher.network;
  return res;
}

export function writeCachedIndexes(fs: FileSystem, files: Array<{ path: string; bytes: Buffer }>, now: Date): void {
  for (const f of files) {
    mkdirp(fs, f.path.slice(0, f.path.lastIndexOf("/")));
    fs.writeFile(f.path, f.bytes, { mode: 0o644, owner: { uid: 0, gid: 0 } });
    fs.utimes(f.path, now, now);
  }
}

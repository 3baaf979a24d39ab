import { homedir } from "node:os";
import { join } from "node:path";
import { ContentCache, sha256Hex } from "./cache.js";
import { FetchError } from "./errors.js";
import { httpGet } from "./http.js";

export interface FetcherOptions {
  /** The content cache, or its directory. Default: defaultContentDir(). */
  cache?: ContentCache | string;
  /** Serve only from the cache (`--offline`). Default: TSBUILD_OFFLINE=1 in the environment. */
  offline?: boolean;
  /** false: the container has no network (`RUN --network=none`): every request fails, cache or not. */
  network?: boolean;
  /** Attempts after the first for network errors and 5xx answers. Default 2. */
  retries?: number;
  /** Largest body accepted, bytes. Default 2 GiB. */
  maxBytes?: number;
  timeoutMs?: number;
  /** Pause before retry n (ms); tests pass 0. Default 250·2^n. */
  backoffMs?: (attempt: number) => number;
}

export interface GetOptions {
  /** The sha256 the bytes must have (an index's checksum): served from the cache without asking the network when held. */
  sha256?: string;
  /** Ask the network first even when the cache holds the URL (mutable resources: InRelease, a plain curl). Default true without sha256. */
  fresh?: boolean;
  maxBytes?: number;
  retries?: number;
  headers?: Record<string, string>;
}

export interface FetchResult {
  url: string;
  finalUrl: string;
  status: number;
  bytes: Buffer;
  sha256: string;
  /** True when the bytes came from the content cache, not the network. */
  fromCache: boolean;
  contentType?: string;
}

/** $TSBUILD_CONTENT_DIR, else `<$TSBUILD_ROOT or ~/.local/share/tsbuild>/content`: the default store's content cache. */
export function defaultContentDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TSBUILD_CONTENT_DIR) return env.TSBUILD_CONTENT_DIR;
  const root = env.TSBUILD_ROOT || join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "tsbuild");
  return join(root, "content");
}

export function offlineFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env.TSBUILD_OFFLINE ?? "");
}

/**
 * Downloads through the content cache: every successful answer is kept by URL and digest, so a
 * second build (or CI without network) gets the same bytes. Offline, only the cache answers, and
 * a miss names the URL and how to warm the cache.
 */
export class Fetcher {
  readonly cache: ContentCache;
  readonly offline: boolean;
  readonly network: boolean;
  private readonly o: FetcherOptions;

  constructor(o: FetcherOptions = {}) {
    this.o = o;
    this.cache = o.cache instanceof ContentCache ? o.cache : new ContentCache(o.cache ?? defaultContentDir());
    this.offline = o.offline ?? offlineFromEnv();
    this.network = o.network ?? true;
  }

  /** The same cache and settings without network (RUN --network=none). */
  withoutNetwork(): Fetcher {
    return new Fetcher({ ...this.o, cache: this.cache, offline: this.offline, network: false });
  }

  async get(url: string, g: GetOptions = {}): Promise<FetchResult> {
    if (!this.network) throw new FetchError("network-disabled", url, `${url}: the container has no network (--network=none)`);
    const want = g.sha256?.toLowerCase();
    if (want) {
      const bytes = this.cache.getBlob(want);
      if (bytes) return { url, finalUrl: url, status: 200, bytes, sha256: want, fromCache: true };
    }
    const fresh = g.fresh ?? !want;
    if (!fresh || this.offline) {
      const hit = this.fromCache(url, want);
      if (hit) return hit;
      if (this.offline) throw this.miss(url);
    }
    let res;
    try {
      res = await this.download(url, g);
    } catch (e) {
      // An unreachable network falls back to what the cache holds: CI and second builds get the same bytes.
      if (e instanceof FetchError && e.code === "network") {
        const hit = this.fromCache(url, want);
        if (hit) return hit;
      }
      throw e;
    }
    const hex = sha256Hex(res.bytes);
    if (want && hex !== want) {
      throw new FetchError("digest-mismatch", url, `${url}: sha256 ${hex} does not match the expected ${want}`);
    }
    // Error pages are not content: only successful answers are kept.
    if (res.status < 400) this.cache.putUrl(url, res.bytes, { contentType: res.contentType });
    return { url, finalUrl: res.finalUrl, status: res.status, bytes: res.bytes, sha256: hex, fromCache: false, contentType: res.contentType };
  }

  private fromCache(url: string, want: string | undefined): FetchResult | undefined {
    const hit = this.cache.getUrl(url);
    if (!hit || (want && hit.record.sha256 !== want)) return undefined;
    return { url, finalUrl: url, status: 200, bytes: hit.bytes, sha256: hit.record.sha256, fromCache: true, contentType: hit.record.contentType };
  }

  private miss(url: string): FetchError {
    return new FetchError(
      "offline-miss",
      url,
      `${url}: not in the content cache (${this.cache.dir}) and the build is offline; ` +
        `run the build once with network (without --offline / TSBUILD_OFFLINE) to download it into the cache`,
    );
  }

  private async download(url: string, g: GetOptions) {
    const retries = g.retries ?? this.o.retries ?? 2;
    const backoff = this.o.backoffMs ?? ((n: number) => 250 * 2 ** n);
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await httpGet(url, {
          maxBytes: g.maxBytes ?? this.o.maxBytes ?? 2 ** 31,
          maxRedirects: 10,
          timeoutMs: this.o.timeoutMs ?? 120_000,
          headers: g.headers,
        });
        if (res.status >= 500 && attempt < retries) {
          await sleep(backoff(attempt));
          continue;
        }
        return res;
      } catch (e) {
        if (e instanceof FetchError && e.code === "network" && attempt < retries) {
          await sleep(backoff(attempt));
          continue;
        }
        throw e;
      }
    }
  }
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/** True when `url` answers at all within `timeoutMs` (tests that need the real network skip otherwise). */
export async function reachable(url: string, timeoutMs = 5000): Promise<boolean> {
  try {
    const res = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    return res.status < 500;
  } catch {
    return false;
  }
}

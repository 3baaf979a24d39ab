import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

/** What the cache remembers of one URL: the digest of the bytes it last gave. */
export interface UrlRecord {
  url: string;
  sha256: string;
  size: number;
  /** ISO time of the download (informational: never part of a build's output). */
  fetched: string;
  contentType?: string;
}

export const sha256Hex = (b: Uint8Array | string): string => createHash("sha256").update(b).digest("hex");

/**
 * Downloads kept by digest (`blobs/sha256/<hex>`) and by URL (`urls/<sha256 of the URL>.json`
 * naming the digest), under a directory — the store's `<root>/content`. Blobs are written to a
 * temp name and renamed, so a crash never leaves a blob whose name lies about its bytes; every
 * read is checked against its name, so a damaged blob is dropped instead of served.
 */
export class ContentCache {
  constructor(readonly dir: string) {}

  private blobPath(hex: string): string {
    return join(this.dir, "blobs", "sha256", hex);
  }

  private urlPath(url: string): string {
    return join(this.dir, "urls", `${sha256Hex(url)}.json`);
  }

  hasBlob(hex: string): boolean {
    return /^[0-9a-f]{64}$/.test(hex) && existsSync(this.blobPath(hex));
  }

  /** The blob's bytes, or undefined when absent or damaged (a damaged blob is removed). */
  getBlob(hex: string): Buffer | undefined {
    if (!/^[0-9a-f]{64}$/.test(hex)) return undefined;
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.blobPath(hex));
    } catch {
      return undefined;
    }
    if (sha256Hex(bytes) !== hex) {
      rmSync(this.blobPath(hex), { force: true });
      return undefined;
    }
    return bytes;
  }

  putBlob(bytes: Uint8Array): string {
    const hex = sha256Hex(bytes);
    const path = this.blobPath(hex);
    if (existsSync(path)) return hex;
    atomicWrite(path, bytes);
    return hex;
  }

  lookup(url: string): UrlRecord | undefined {
    try {
      const rec = JSON.parse(readFileSync(this.urlPath(url), "utf8")) as UrlRecord;
      return rec.url === url ? rec : undefined;
    } catch {
      return undefined;
    }
  }

  /** The bytes last downloaded from `url`, when the cache still holds them intact. */
  getUrl(url: string): { record: UrlRecord; bytes: Buffer } | undefined {
    const record = this.lookup(url);
    if (!record) return undefined;
    const bytes = this.getBlob(record.sha256);
    return bytes ? { record, bytes } : undefined;
  }

  putUrl(url: string, bytes: Uint8Array, meta: { contentType?: string; now?: Date } = {}): UrlRecord {
    const hex = this.putBlob(bytes);
    const record: UrlRecord = { url, sha256: hex, size: bytes.length, fetched: (meta.now ?? new Date()).toISOString() };
    if (meta.contentType) record.contentType = meta.contentType;
    atomicWrite(this.urlPath(url), JSON.stringify(record) + "\n");
    return record;
  }

  /** Every URL the cache holds (with intact-or-not blob), for `tsbuild cache ls`. */
  list(): UrlRecord[] {
    const dir = join(this.dir, "urls");
    if (!existsSync(dir)) return [];
    const out: UrlRecord[] = [];
    for (const name of readdirSync(dir)) {
      if (!name.endsWith(".json")) continue;
      try {
        out.push(JSON.parse(readFileSync(join(dir, name), "utf8")) as UrlRecord);
      } catch {
        // a half-written record from another process: not listed
      }
    }
    return out.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  }

  /** Removes URL records and blobs; `keep` selects URLs to keep. Returns the bytes freed. */
  prune(keep: (r: UrlRecord) => boolean = () => false): number {
    const kept = new Set<string>();
    for (const r of this.list()) {
      if (keep(r)) kept.add(r.sha256);
      else rmSync(this.urlPath(r.url), { force: true });
    }
    const blobs = join(this.dir, "blobs", "sha256");
    if (!existsSync(blobs)) return 0;
    let freed = 0;
    for (const hex of readdirSync(blobs)) {
      if (kept.has(hex)) continue;
      const p = join(blobs, hex);
      freed += statSync(p).size;
      rmSync(p, { force: true });
    }
    return freed;
  }
}

function atomicWrite(path: string, data: Uint8Array | string): void {
  const dir = path.slice(0, path.lastIndexOf("/"));
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The content of BuildKit cache mounts (`RUN --mount=type=cache`), kept across builds as Docker's
 * BuildKit keeps them in its own cache: one tar per cache id under `<root>/buildkit/cache-mounts`,
 * with a small JSON beside it (the id, the bytes of its files). They are never part of an image:
 * `builder prune` removes them and `system df` counts them as "Build Cache".
 */
export interface CacheMountInfo {
  /** The mount's id (`id=`, else its target). */
  id: string;
  /** Bytes of the regular files it holds. */
  size: number;
  /** The file name stem under the directory (the id's sha256): BuildKit's record id, as prune lists it. */
  key: string;
}

export function cacheMountsDir(root: string): string {
  return join(root, "buildkit", "cache-mounts");
}

function keyOf(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

/** The stored tar of the cache `id`, undefined when the cache is empty (never used, or pruned). */
export function loadCacheMount(root: string, id: string): Buffer | undefined {
  const file = join(cacheMountsDir(root), keyOf(id) + ".tar");
  return existsSync(file) ? readFileSync(file) : undefined;
}

/** Keeps the cache `id`'s content (a tar of the whole mount): written beside, then renamed into place. */
export function saveCacheMount(root: string, id: string, tar: readonly Buffer[], size: number): void {
  const dir = cacheMountsDir(root);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = keyOf(id);
  const tmp = join(dir, `.${key}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, Buffer.concat(tar as Buffer[]));
    writeFileSync(tmp + ".json", JSON.stringify({ id, size }));
    // The JSON first: a tar without its JSON is still listed (by its size on disk), never the reverse.
    renameSync(tmp + ".json", join(dir, key + ".json"));
    renameSync(tmp, join(dir, key + ".tar"));
  } finally {
    rmSync(tmp, { force: true });
    rmSync(tmp + ".json", { force: true });
  }
}

/** Every cache mount the store keeps. */
export function listCacheMounts(root: string): CacheMountInfo[] {
  const dir = cacheMountsDir(root);
  if (!existsSync(dir)) return [];
  const out: CacheMountInfo[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(".tar") || name.startsWith(".")) continue;
    const key = name.slice(0, -4);
    let info: { id?: string; size?: number } = {};
    try {
      info = JSON.parse(readFileSync(join(dir, key + ".json"), "utf8")) as typeof info;
    } catch {
      info = { size: statSync(join(dir, name)).size };
    }
    out.push({ key, id: info.id ?? key, size: info.size ?? 0 });
  }
  return out;
}

/** Removes every cache mount; returns what went, for `builder prune`'s report. */
export function pruneCacheMounts(root: string): CacheMountInfo[] {
  const gone = listCacheMounts(root);
  const dir = cacheMountsDir(root);
  for (const c of gone) {
    rmSync(join(dir, c.key + ".tar"), { force: true });
    rmSync(join(dir, c.key + ".json"), { force: true });
  }
  return gone;
}

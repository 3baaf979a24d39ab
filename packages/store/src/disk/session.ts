import { mkdirSync } from "node:fs";
import type { Digest } from "@tsbuild/image";
import type { LayerRecord } from "../backend.js";

/**
 * What this process learned of the store while it holds the writer lock, so a build's commits
 * do not read back what they wrote or check again what they checked (every step read the parent
 * layer's four layerdb files and its new layer's four, both image configs, the parent's overlay2
 * link and lower, and made the same directories again: ~60 file-system calls of the ~130 a
 * commit made). Only a holder of the lock writes to the store, so nothing here can go stale
 * while it is held; the session ends when the lock is released and the next holder starts
 * from the disk again.
 */
export class LockSession {
  /** Layer records by chainID; null: known not to exist. */
  readonly layers = new Map<Digest, LayerRecord | null>();
  /** Whether an image's config file exists. */
  readonly images = new Map<Digest, boolean>();
  /** Metadata files by "id key"; undefined: known not to exist. */
  readonly metadata = new Map<string, string | undefined>();
  /** overlay2 driver directories' `link` and `lower` files, by cache ID. */
  readonly drivers = new Map<string, { link: string; lower?: string }>();
  /** Directories made or found this session. */
  private readonly dirs = new Set<string>();

  /** mkdir -p, once per session for each directory. */
  ensureDir(path: string, mode?: number): void {
    if (this.dirs.has(path)) return;
    mkdirSync(path, { recursive: true, mode });
    this.dirs.add(path);
  }

  /** A directory removed (with what was under it). */
  forgetDir(path: string): void {
    for (const d of this.dirs) if (d === path || d.startsWith(path + "/")) this.dirs.delete(d);
  }
}

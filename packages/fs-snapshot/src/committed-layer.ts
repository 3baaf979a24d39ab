import { createHash } from "node:crypto";
import type { LayerEntry } from "@tsbuild/image";
import { hashEntries, type WrittenLayer } from "./layer-writer.js";
import type { LayerDiff } from "./types.js";

/**
 * A committed step's layer. The tar is kept as the buffers it was written from (headers and views
 * of the tree's file contents, which are never modified in place), and each derived value is
 * computed when first asked: a caller that streams `tarChunks()` into a store never joins the tar
 * into one buffer, and one that never looks at `entries` never hashes each file.
 */
export class CommittedLayer implements LayerDiff {
  readonly size: number;
  readonly empty: boolean;
  private joined: Buffer | undefined;
  private digest: string | undefined;

  constructor(private readonly layer: WrittenLayer) {
    this.size = layer.size;
    this.empty = layer.entries.length === 0;
  }

  get tar(): Buffer {
    return (this.joined ??= Buffer.concat(this.layer.chunks));
  }

  get diffID(): string {
    if (this.digest === undefined) {
      const h = createHash("sha256");
      for (const c of this.layer.chunks) h.update(c);
      this.digest = "sha256:" + h.digest("hex");
    }
    return this.digest;
  }

  get entries(): LayerEntry[] {
    return hashEntries(this.layer);
  }

  tarChunks(): readonly Buffer[] {
    return this.layer.chunks;
  }

  get tarSize(): number {
    let n = 0;
    for (const c of this.layer.chunks) n += c.length;
    return n;
  }
}

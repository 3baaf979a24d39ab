import { createHash } from "node:crypto";
import { layerFrom, type Layer, type LayerEntry } from "@tsbuild/image";
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
  private asLayer: Layer | undefined;

  constructor(private readonly written: WrittenLayer) {
    this.size = written.size;
    this.empty = written.entries.length === 0;
  }

  get tar(): Buffer {
    return (this.joined ??= Buffer.concat([...this.tarChunks()]));
  }

  get diffID(): string {
    if (this.digest === undefined) {
      const h = createHash("sha256");
      for (const c of this.tarChunks()) h.update(c);
      this.digest = "sha256:" + h.digest("hex");
    }
    return this.digest;
  }

  get entries(): LayerEntry[] {
    return hashEntries(this.written);
  }

  /** The tar's buffers; a file's spilled bytes are read from disk, a megabyte at a time, as they are reached. */
  tarChunks(): Iterable<Buffer> {
    const { chunks, lazy } = this.written;
    if (!lazy) return chunks as Buffer[];
    return {
      *[Symbol.iterator]() {
        for (const c of chunks) {
          if (Buffer.isBuffer(c)) yield c;
          else yield* c;
        }
      },
    };
  }

  /** The step's layer as @tsbuild/image's Layer: diffID and size are the ones already known. */
  layer(): Layer {
    return (this.asLayer ??= layerFrom({ open: () => this.tarChunks(), diffID: () => this.diffID, size: () => this.size }));
  }

  get tarSize(): number {
    return this.written.tarSize;
  }
}

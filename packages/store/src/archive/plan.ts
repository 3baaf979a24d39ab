import { createHash } from "node:crypto";
import { chainIDs, type Digest } from "@tsbuild/image";
import { ingestTar } from "../layer/ingest.js";
import type { NamedRef } from "../reference.js";
import type { ImageStore } from "../types.js";
import { decompressed } from "./decompress.js";
import { BadArchiveError, type UnpackedArchive } from "./unpack.js";

/** One layer blob of an archive, as it is to be stored. */
export interface PlannedLayer {
  member: string;
  diffID: Digest;
  /** Set when the blob was compressed: its digest, for distribution/. */
  compressedDigest?: Digest;
}

/** An image found in an archive, checked and ready to be written. */
export interface PlannedImage {
  config: Buffer;
  layers: PlannedLayer[];
  tags: NamedRef[];
  /** docker save's manifest `Parent`, an image ID. */
  parent?: Digest;
}

/**
 * Reads every layer blob the store lacks once before anything is written: it must be a sound
 * layer tar whose diffID is the one the config lists (and, for OCI, whose blob matches its
 * digest). This is what keeps a failed load from leaving anything behind.
 */
export class LayerChecker {
  private readonly checked = new Map<string, { diffID: Digest; blobDigest: Digest }>();

  constructor(private readonly archive: UnpackedArchive, private readonly store: ImageStore) {}

  async check(images: PlannedImage[]): Promise<void> {
    for (const img of images) {
      const chain = chainIDs(img.layers.map((l) => l.diffID));
      for (const [i, layer] of img.layers.entries()) {
        if (this.store.getLayer(chain[i])) continue;
        const got = await this.inspect(layer.member);
        if (layer.compressedDigest && got.blobDigest !== layer.compressedDigest) {
          throw new BadArchiveError(`blob ${layer.member} hashes to ${got.blobDigest}, not its digest ${layer.compressedDigest}`);
        }
        if (got.diffID !== layer.diffID) {
          throw new BadArchiveError(`invalid diffID for layer ${i}: expected "${layer.diffID}", got "${got.diffID}"`);
        }
      }
    }
  }

  private async inspect(member: string): Promise<{ diffID: Digest; blobDigest: Digest }> {
    const known = this.checked.get(member);
    if (known) return known;
    const blobHash = createHash("sha256");
    const source = this.archive.open(member);
    async function* hashed() {
      for await (const c of source) {
        blobHash.update(c as Buffer);
        yield c as Buffer;
      }
    }
    let diffID: Digest;
    try {
      diffID = (await ingestTar(decompressed(hashed()))).diffID;
    } catch (e) {
      throw new BadArchiveError(`layer ${member} in the archive: ${(e as Error).message}`);
    }
    const result = { diffID, blobDigest: "sha256:" + blobHash.digest("hex") };
    this.checked.set(member, result);
    return result;
  }
}

import { createHash } from "node:crypto";
import { chainIDs, type Digest } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";

/**
 * BuildKit's cache, content-based: a step's key is a hash of the previous step's key and what the
 * step does with which content (the instruction's command, config and flags, the sources' content
 * hashes), never an image's identity. A hit gives the layers that step produced. Entries live in
 * the build records of the images a build wrote (BuildKit keeps no intermediate images either).
 */
export interface CacheEntry {
  key: string;
  diffIDs: Digest[];
}

export function stepKey(previous: string, parts: unknown): string {
  return createHash("sha256").update(previous).update("\n").update(JSON.stringify(parts)).digest("hex");
}

export class BuildKitCache {
  private index?: Map<string, Digest[]>;
  /** The entries this build added, saved with the images it writes. */
  readonly added: CacheEntry[] = [];

  constructor(private readonly store: ImageStore) {}

  find(key: string): Digest[] | undefined {
    const hit = this.load().get(key);
    if (!hit) return undefined;
    // A layer removed since (rmi) makes the entry useless.
    const chains = chainIDs(hit);
    return chains.every((c) => this.store.getLayer(c)) ? hit : undefined;
  }

  add(key: string, diffIDs: Digest[]): void {
    this.load().set(key, [...diffIDs]);
    this.added.push({ key, diffIDs: [...diffIDs] });
  }

  private load(): Map<string, Digest[]> {
    if (this.index) return this.index;
    this.index = new Map();
    for (const id of this.store.listImages()) {
      const rec = this.store.getBuildRecord(id) as { buildkitCache?: CacheEntry[] } | undefined;
      for (const e of rec?.buildkitCache ?? []) this.index.set(e.key, e.diffIDs);
    }
    return this.index;
  }
}

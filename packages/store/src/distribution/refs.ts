import type { Digest } from "@tsbuild/image";
import { NoSuchImageError } from "../errors.js";
import { parseNamed, refs, type NamedRef } from "../reference.js";
import { Store } from "../store.js";
import type { ImageStore } from "../types.js";

function backendOf(store: ImageStore) {
  if (!(store instanceof Store)) throw new Error("distribution references need a store made by openStore or memoryStore");
  return store.backend;
}

/**
 * What a pull records in repositories.json: `name:tag` and/or `name@sha256:<manifest digest>`.
 * Unlike `tag`, no lastUpdated is written: Docker's pull leaves Metadata.LastTagTime unset.
 */
export function addPulledReferences(store: ImageStore, id: Digest, references: string[]): Promise<void> {
  const backend = backendOf(store);
  const named: NamedRef[] = references.map((r) => parseNamed(r));
  return store.withLock(async () => {
    if (!backend.imageConfig(id)) throw new NoSuchImageError(id);
    const repos = backend.repositories();
    for (const n of named) refs.set(repos, n, id);
    await backend.saveRepositories(repos);
  });
}

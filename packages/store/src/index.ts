import { resolve } from "node:path";
import { DiskBackend } from "./disk/backend.js";
import { MemoryBackend } from "./memory/backend.js";
import { LayeredBackend } from "./memory/layered.js";
import { Store } from "./store.js";
import type { ImageStore } from "./types.js";

export type {
  GraphDriverData, HollowLayer, HollowMember, ImageStore, LayerBody, LayerInput, LockOptions, PutLayerOptions, RemoveOptions, StoredImage, StoredLayer,
} from "./types.js";
export { defaultRoot } from "./root.js";
export { importTar, saveImages, loadArchive } from "./archive/lazy.js";
export type { ImportOptions } from "./archive/import.js";
export type { WriteImageOptions } from "./write-image.js";
export { historyRecords } from "./records.js";
export { DOCKER_VERSION } from "./version.js";
export { NoSuchImageError, ImageDeleteConflictError, InvalidImageError } from "./errors.js";
export { DamagedImageError } from "./image.js";
export { InvalidReferenceError, CorruptStoreError, parseNamed, familiarString, type NamedRef } from "./reference.js";
export { describe as describeImageRef } from "./remove.js";
export { imageSummaries, imageHistory, inspectImage, imageSize, type ImageSummary, type HistoryItem } from "./views.js";
export { pruneImages, diskUsage, type PruneReport, type DiskUsage } from "./prune.js";

/** The Docker-layout store under `root` (created lazily, on the first write). */
export function openStore(root: string): ImageStore {
  return new Store(new DiskBackend(resolve(root)));
}

/** The same store, kept in memory: for unit tests and in-memory builds. */
export function memoryStore(): ImageStore {
  return new Store(new MemoryBackend());
}
export * from "./distribution/index.js";
export { cacheMountsDir, listCacheMounts, loadCacheMount, pruneCacheMounts, saveCacheMount, type CacheMountInfo } from "./cache-mounts.js";

/**
 * A memory store that also sees the layers, images and metadata of `lower` (a memory store it
 * never writes to; its tags are not seen): see memory/layered.ts.
 */
export function memoryStoreOver(lower: ImageStore): ImageStore {
  if (!(lower instanceof Store) || lower.root !== undefined) throw new TypeError("memoryStoreOver: the lower store must be a memory store");
  return new Store(new LayeredBackend(new MemoryBackend(), lower.backend));
}

import type { Readable } from "node:stream";
import type { Digest } from "@tsbuild/image";
import type { RepositoriesFile } from "./reference.js";
import type { GraphDriverData, HollowLayer, LockOptions } from "./types.js";
import type { LayerRules } from "./layer/policy.js";

/** What layerdb knows about one layer. */
export interface LayerRecord {
  chainID: Digest;
  diffID: Digest;
  size: number;
  cacheID: string;
  parent?: Digest;
}

/** Docker's metadata files, plus tsbuild's build record of the step behind an image (Docker keeps none). */
export type MetadataKey = "parent" | "lastUpdated" | "tsbuild-build.json";

/**
 * The storage primitives behind an ImageStore. The store's semantics (Docker's rules for
 * images, tags, removal) live once in Store; a backend only keeps bytes, on disk or in memory.
 * Reads are synchronous and lock-free; writes are called with the lock held.
 */
export interface Backend {
  readonly root?: string;
  exclusive<T>(fn: () => Promise<T>, opts?: LockOptions): Promise<T>;
  /** See ImageStore.keepLockFresh; absent where no other process can wait for the lock. */
  keepLockFresh?(): void;

  layer(chainID: Digest): LayerRecord | undefined;
  layerIDs(): Digest[];
  /**
   * Reads the tar, and commits it as the layer on `parent` unless that chainID exists
   * (then returns the existing record). Nothing is left behind when it throws. `immutable`: the
   * same tar as the buffers the caller held, which it vouches are never modified (a memory
   * backend may then remember what ingesting them gave; see memory/ingest-memo.ts).
   */
  ingestLayer(tar: AsyncIterable<unknown>, parent: LayerRecord | null, expectDiffID?: Digest, rules?: LayerRules, immutable?: readonly Buffer[]): Promise<LayerRecord>;
  openLayer(rec: LayerRecord): Readable;
  /**
   * The layer's tar as buffers, checked against its diffID as openLayer's stream is, or
   * undefined when its content is larger than `maxBytes` (read it as a stream then). For a caller
   * that needs the whole tar at hand anyway: no promise per member.
   */
  layerChunks?(rec: LayerRecord, maxBytes: number): Promise<Buffer[] | undefined>;
  /** The layer hollow (StoredLayer.hollow), where the backend keeps member data as files. */
  layerHollow?(rec: LayerRecord): Promise<HollowLayer | undefined>;
  tarSize(rec: LayerRecord): Promise<number>;
  removeLayer(rec: LayerRecord): Promise<void>;

  imageConfig(id: Digest): Buffer | undefined;
  /** Whether the image's config is stored, without reading it (absent: imageConfig is asked). */
  hasImage?(id: Digest): boolean;
  imageIDs(): Digest[];
  writeImage(id: Digest, config: Buffer): Promise<void>;
  removeImage(id: Digest): Promise<void>;
  metadata(id: Digest, key: MetadataKey): string | undefined;
  setMetadata(id: Digest, key: MetadataKey, value: string): Promise<void>;
  deleteMetadata(id: Digest, key: MetadataKey): Promise<void>;

  /** Throws CorruptStoreError when the file cannot be read as the reference store. */
  repositories(): RepositoriesFile;
  saveRepositories(r: RepositoriesFile): Promise<void>;

  recordDistribution(diffID: Digest, compressed: Digest, sourceRepository: string): Promise<void>;
  graphDriver(rec: LayerRecord | undefined): GraphDriverData;
  /** Backend-level checks: the layer's files rebuild its diffID, its driver dir is sound. */
  checkLayer(rec: LayerRecord): Promise<string[]>;
  /** Leftovers: unreferenced driver dirs, dangling links, abandoned temp dirs. */
  checkLayout(): Promise<string[]>;
  /** fsck --repair: removes what interrupted writes left and sets aside an unreadable tag file; says what it did. */
  repair(): Promise<string[]>;
  /** Where an image's config is kept, for messages about a damaged one. */
  configLocation(id: Digest): string;
}

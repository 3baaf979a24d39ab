import type { Readable } from "node:stream";
import type { BuildRecord, Digest, Image, Layer } from "@tsbuild/image";
import type { WriteImageOptions } from "./write-image.js";

/** A layer tar: whole, as a stream of chunks, or as the list of buffers it is made of. */
export type LayerInput = Buffer | NodeJS.ReadableStream | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** A layer in the store's layerdb. */
export interface StoredLayer extends Layer {
  chainID: Digest;
  /** The overlay2 directory name (64 hex). */
  cacheID: string;
  parent?: Digest;
  /** Byte length of the layer tar, known without reading it. */
  tarSize(): Promise<number>;
  /** The tar rebuilt from the store, verified against the diffID as it streams. */
  open(): Promise<Readable>;
  /**
   * The same tar as buffers (verified as `open` verifies it), or undefined when the layer's
   * content is larger than `maxBytes` or the store cannot hand it over whole.
   */
  chunks?(maxBytes: number): Promise<Buffer[] | undefined>;
  /**
   * The layer hollow: its tar's headers and padding, and each member's data as a reference to
   * the file that holds it (the disk store's diff/), read when asked. What materialising a base
   * uses, trusting diff/ and tar-split as overlay2 trusts diff/ (nothing is hashed: `open`,
   * save, push and fsck still rebuild and check the whole tar). Undefined where the store keeps
   * no such files (the memory store).
   */
  hollow?(): Promise<HollowLayer | undefined>;
}

/** A layer's members without their data (their headers decoded), the data by reference, in tar order. */
export interface HollowLayer {
  /** Names the layer in errors. */
  what: string;
  /** Where the bodies are (the layer's diff/ directory, unique to it): trees that refer to them are kept by it. */
  source: string;
  /** Calls `visit` with each member in tar order (PAX records and long names folded in, global headers left out). */
  members(visit: (m: HollowMember) => void): void;
}

/** A member as archive's tar reader folds it; `mtime` in seconds, with a PAX time's fraction. */
export interface HollowMember {
  name: string;
  linkname: string;
  typeflag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  devmajor: number;
  devminor: number;
  /** The member's data, when it has any (`size` bytes). */
  body?: LayerBody;
}

/** One member's data, held in a file of the store; reading fails if the file is no longer as recorded. */
export interface LayerBody {
  readonly length: number;
  readInto(out: Buffer, at: number, offset: number, length: number): void;
  chunks(offset: number, length: number, chunk: number): Iterable<Buffer>;
}

export interface StoredImage extends Image {
  parent?: Digest;
  layers(): Promise<StoredLayer[]>;
}

export interface PutLayerOptions {
  /** Refuse (and store nothing) unless the tar hashes to this diffID. */
  expectDiffID?: Digest;
  /** The layer's compressed blob digest, when it came compressed (recorded under distribution/). */
  compressedDigest?: Digest;
  /** Where the compressed blob came from, for distribution/v2metadata-by-diffid. */
  sourceRepository?: string;
  /**
   * A layer a build step made here: judged by the build's rules, not an import's. A symlink
   * whose target climbs above `/` (`../../../lib/libc.so`) resolves at `/` in the image, and
   * Docker builds it; from an archive or a registry such a link is refused.
   */
  builtHere?: boolean;
  /** A BuildKit build's layer: its size counts regular file bytes only, as dockerd's BuildKit registers it. */
  payloadSize?: boolean;
  /**
   * The tar is an array of buffers that nobody modifies, ever (a build's layer: views of a tree's
   * file contents). A memory store then remembers, process-wide, what ingesting those very
   * buffers gave, and takes the same layer again without hashing it (issue 16).
   */
  immutableChunks?: boolean;
}

export interface RemoveOptions {
  /** Docker's `rmi -f`: remove even when the image is referenced by several repositories. */
  force?: boolean;
  /** Docker's default (`--no-prune` turns it off): also remove untagged parents left dangling. */
  prune?: boolean;
}

/** overlay2's view of an image's top layer, as `docker inspect` shows it under GraphDriver. */
export interface GraphDriverData {
  /** null when the image has no layers (or the store has no directories). */
  Data: Record<string, string> | null;
  Name: "overlay2";
}

export interface LockOptions {
  /**
   * The holder says (keepLockFresh) before work that may keep its main thread busy; until then no
   * refresher thread is started for the first moment of the lock (a cached build, a tag: starting
   * the thread was a sixth of such a build).
   */
  refreshOnDemand?: boolean;
}

export interface ImageStore {
  /** The store's directory; undefined for the in-memory store. */
  readonly root?: string | undefined;
  /**
   * Runs fn while holding the store's writer lock. fn gets the store as a view that holds the
   * lock: nested work (withLock again, putLayer, writeImage, a pull) must go through that view,
   * which runs it at once; through the store itself it would wait for the lock it is inside of.
   * The view is for fn's duration only.
   */
  withLock<T>(fn: (locked: ImageStore) => Promise<T>, opts?: LockOptions): Promise<T>;
  /**
   * The holder's main thread may be busy for a while from now (a step runs): from here the lock
   * is kept fresh from another thread, for waiters that can judge it only by time. Needed only
   * under withLock's refreshOnDemand; a no-op for a store no other process can wait on.
   */
  keepLockFresh(): void;
  /** diffID = sha256 of the tar as given; returns the existing layer when that chainID exists. */
  putLayer(tar: LayerInput, parentChainID: Digest | null, opts?: PutLayerOptions): Promise<StoredLayer>;
  getLayer(chainID: Digest): StoredLayer | undefined;
  listLayers(): Digest[];
  /**
   * Any Image (built-in, loaded, pulled, another store's) into this store: the layers it lacks,
   * checked against the config's diffIDs, then the config, then the tags. All or nothing.
   */
  writeImage(image: Image, tags?: readonly string[], opts?: WriteImageOptions): Promise<Digest>;
  /** id = sha256(config); every layer of rootfs must be in the store; writes the parent link. */
  putImage(config: Buffer, parent?: Digest): Promise<Digest>;
  getImage(id: Digest): StoredImage | undefined;
  parentOf(id: Digest): Digest | undefined;
  /** Images whose parent is id; undefined → images without a parent. */
  childrenOf(id: Digest | undefined): Digest[];
  /** tsbuild's record of the step that committed the image (metadata/sha256/<id>/tsbuild-build.json). */
  putBuildRecord(id: Digest, record: BuildRecord): Promise<void>;
  getBuildRecord(id: Digest): BuildRecord | undefined;
  listImages(): Digest[];
  /** Tags `name[:tag]` (default :latest), replacing what the tag pointed to. */
  tag(ref: string, id: Digest): Promise<void>;
  untag(ref: string): Promise<void>;
  /** name[:tag], name@digest, full "sha256:…", or a unique ID prefix. */
  resolve(refOrId: string): Digest | undefined;
  /** Familiar `name:tag` references to id, sorted. */
  tagsOf(id: Digest): string[];
  /** Familiar `name@sha256:…` references to id, sorted. */
  digestsOf(id: Digest): string[];
  /** When a tag last changed for id (Docker's Metadata.LastTagTime), RFC 3339. */
  lastTagTime(id: Digest): string | undefined;
  /** Docker's `rmi` of one argument: the Untagged:/Deleted: lines. */
  removeImage(refOrId: string, opts?: RemoveOptions): Promise<string[]>;
  /** Re-checks everything on disk; the problems found, [] when healthy. */
  /** Problems found; with `repair`, leftovers of interrupted writes are removed first (and listed as "repaired: …"). */
  fsck(opts?: { repair?: boolean }): Promise<string[]>;
  graphDriver(chainID: Digest | undefined): GraphDriverData;
}

import { chainIDs, serializedConfigView, sha256Digest, type BuildRecord, type Digest, type Image } from "@tsbuild/image";
import type { Backend, LayerRecord } from "./backend.js";
import { childrenIndex } from "./children-index.js";
import { InvalidImageError, NoSuchImageError } from "./errors.js";
import { fsck, type FsckOptions } from "./fsck.js";
import { storedImage, storedLayer } from "./image.js";
import { chunksOf, quietUntilRead } from "./layer/ingest.js";
import {
  familiarString, InvalidReferenceError, parseNamed, refs, withDefaultTag, type NamedRef,
} from "./reference.js";
import { removeImage } from "./remove.js";
import { goTime } from "@tsbuild/dockerfmt";
import { writeImageTo, type WriteImageOptions } from "./write-image.js";
import type {
  GraphDriverData, ImageStore, LayerInput, LockOptions, PutLayerOptions, RemoveOptions, StoredImage, StoredLayer,
} from "./types.js";

const ID_RE = /^sha256:[a-f0-9]{64}$/;

/** Docker's image, layer and reference stores' rules over a Backend. */
export class Store implements ImageStore {
  constructor(readonly backend: Backend) {}

  get root(): string | undefined {
    return this.backend.root;
  }

  /**
   * fn runs holding the writer lock and gets this store as a view that holds it: the view's
   * withLock and every locking method run at once, so work nested inside (a build's commits, a
   * pull within a build) goes through the view; the store itself would wait for the lock.
   */
  withLock<T>(fn: (locked: Store) => Promise<T>, opts?: LockOptions): Promise<T> {
    return this.backend.exclusive(() => fn(this.lockedView()), opts);
  }

  keepLockFresh(): void {
    this.backend.keepLockFresh?.();
  }

  private lockedView(): Store {
    // One view per store, so what is remembered per store (WeakMaps keyed by it) outlives a lock.
    if (!this.view) {
      const view: Store = Object.create(this);
      Object.defineProperty(view, "withLock", { value: <T>(fn: (locked: Store) => Promise<T>): Promise<T> => fn(view) });
      this.view = view;
    }
    return this.view;
  }

  private view: Store | undefined;

  // ---- layers ----

  putLayer(tar: LayerInput, parentChainID: Digest | null, opts: PutLayerOptions = {}): Promise<StoredLayer> {
    quietUntilRead(tar);
    return this.withLock(async () => {
      let parent: LayerRecord | null = null;
      if (parentChainID) {
        parent = this.backend.layer(parentChainID) ?? null;
        if (!parent) throw new Error(`parent layer ${parentChainID} is not in the store`);
      }
      const held = opts.immutableChunks && Array.isArray(tar) && tar.every((c) => Buffer.isBuffer(c)) ? (tar as Buffer[]) : undefined;
      const rec = await this.backend.ingestLayer(chunksOf(tar), parent, opts.expectDiffID, { climbingSymlinks: opts.builtHere === true, payloadSize: opts.payloadSize === true }, held);
      if (opts.compressedDigest) {
        await this.backend.recordDistribution(rec.diffID, opts.compressedDigest, opts.sourceRepository ?? "");
      }
      return storedLayer(this.backend, rec);
    });
  }

  getLayer(chainID: Digest): StoredLayer | undefined {
    const rec = this.backend.layer(chainID);
    return rec && storedLayer(this.backend, rec);
  }

  listLayers(): Digest[] {
    return this.backend.layerIDs();
  }

  // ---- images ----

  writeImage(image: Image, tags: readonly string[] = [], opts: WriteImageOptions = {}): Promise<Digest> {
    return writeImageTo(this, image, tags, opts);
  }

  async putImage(config: Buffer, parent?: Digest): Promise<Digest> {
    const diffIDs = validateConfig(config);
    const id = sha256Digest(config);
    return this.withLock(async () => {
      // As Docker's image store (Create gets the rootfs's ChainID only): a layer is ingested on top
      // of its parent, so the top one's presence vouches for the chain below it. Checking every
      // layer read O(depth) layerdb records on each step's commit.
      const chain = chainIDs(diffIDs);
      const top = chain[chain.length - 1];
      if (top && !this.backend.layer(top)) throw new InvalidImageError(`failed to get layer ${top}: layer does not exist`);
      if (parent !== undefined && !this.hasImage(parent)) throw new InvalidImageError(`unknown parent image ID ${parent}`);
      const existing = this.hasImage(id) ? this.backend.imageConfig(id) : undefined;
      // A damaged copy of the same image is replaced by the good bytes.
      if (!existing || !existing.equals(config)) await this.backend.writeImage(id, config);
      if (parent !== undefined) await this.backend.setMetadata(id, "parent", parent);
      return id;
    });
  }

  private hasImage(id: Digest): boolean {
    return this.backend.hasImage ? this.backend.hasImage(id) : this.backend.imageConfig(id) !== undefined;
  }

  getImage(id: Digest): StoredImage | undefined {
    const raw = ID_RE.test(id) ? this.backend.imageConfig(id) : undefined;
    return raw && storedImage(this.backend, id, raw, this.parentOf(id));
  }

  parentOf(id: Digest): Digest | undefined {
    const p = this.backend.metadata(id, "parent");
    return p !== undefined && ID_RE.test(p) ? p : undefined;
  }

  async putBuildRecord(id: Digest, record: BuildRecord): Promise<void> {
    await this.withLock(async () => {
      if (!this.hasImage(id)) throw new NoSuchImageError(id);
      await this.backend.setMetadata(id, "tsbuild-build.json", JSON.stringify(record));
    });
  }

  getBuildRecord(id: Digest): BuildRecord | undefined {
    const raw = ID_RE.test(id) ? this.backend.metadata(id, "tsbuild-build.json") : undefined;
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as BuildRecord;
    } catch {
      return undefined; // a damaged record only loses an explanation, never the image
    }
  }

  childrenOf(id: Digest | undefined): Digest[] {
    return childrenIndex(this.backend, (c) => this.parentOf(c)).childrenOf(id);
  }

  listImages(): Digest[] {
    return this.backend.imageIDs();
  }

  // ---- references ----

  async tag(ref: string, id: Digest): Promise<void> {
    const named = parseTagTarget(ref);
    await this.withLock(async () => {
      if (!this.backend.imageConfig(id)) throw new NoSuchImageError(id);
      const repos = this.backend.repositories();
      refs.set(repos, named, id);
      await this.backend.saveRepositories(repos);
      await this.backend.setMetadata(id, "lastUpdated", goTime(new Date()));
    });
  }

  async untag(ref: string): Promise<void> {
    const named = withDefaultTag(parseNamed(ref));
    await this.withLock(async () => {
      const repos = this.backend.repositories();
      if (!refs.delete(repos, named)) throw new NoSuchImageError(familiarString(named));
      await this.backend.saveRepositories(repos);
    });
  }

  resolve(refOrId: string): Digest | undefined {
    if (ID_RE.test(refOrId)) return this.backend.imageConfig(refOrId) ? refOrId : undefined;
    if (/^[a-f0-9]{64}$/.test(refOrId)) return this.resolve("sha256:" + refOrId);
    let named: NamedRef | undefined;
    try {
      named = withDefaultTag(parseNamed(refOrId));
    } catch (e) {
      if (!(e instanceof InvalidReferenceError)) throw e;
    }
    if (named) {
      const id = refs.get(this.backend.repositories(), named);
      if (id && this.backend.imageConfig(id)) return id;
    }
    return this.searchID(refOrId);
  }

  /** A unique image ID prefix, with or without "sha256:" (the image store's digest set). */
  private searchID(prefix: string): Digest | undefined {
    const hex = prefix.startsWith("sha256:") ? prefix.slice(7) : prefix;
    if (!/^[a-f0-9]+$/.test(hex)) return undefined;
    const matches = this.listImages().filter((id) => id.startsWith("sha256:" + hex));
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** Every reference to id (tags and digests), sorted. */
  refsOf(id: Digest): string[] {
    return refs.of(this.backend.repositories(), id);
  }

  tagsOf(id: Digest): string[] {
    return this.refsOf(id).filter((r) => !r.includes("@"));
  }

  digestsOf(id: Digest): string[] {
    return this.refsOf(id).filter((r) => r.includes("@"));
  }

  lastTagTime(id: Digest): string | undefined {
    return this.backend.metadata(id, "lastUpdated");
  }

  removeImage(refOrId: string, opts: RemoveOptions = {}): Promise<string[]> {
    return removeImage(this, refOrId, opts);
  }

  fsck(opts: FsckOptions = {}): Promise<string[]> {
    return fsck(this, opts);
  }

  graphDriver(chainID: Digest | undefined): GraphDriverData {
    return this.backend.graphDriver(chainID ? this.backend.layer(chainID) : undefined);
  }
}

/** The checks of moby image.NewFromJSON and store.Create; returns the rootfs diffIDs. */
export function validateConfig(config: Buffer): Digest[] {
  // Bytes this process serialized are checked on the facts serializeConfig kept, not parsed
  // again; configs read from disk or received are always parsed (and hashed against their ID on read).
  const made = serializedConfigView(config);
  if (made) return checkedDiffIDs(made.diffIDs, made.nonEmptyHistory);
  let v: { rootfs?: { type?: unknown; diff_ids?: unknown }; history?: unknown };
  try {
    v = JSON.parse(config.toString("utf8"));
  } catch (e) {
    throw new InvalidImageError(`invalid image JSON: ${(e as Error).message}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new InvalidImageError("invalid image JSON: not an object");
  if (typeof v.rootfs !== "object" || v.rootfs === null) throw new InvalidImageError("invalid image JSON, no RootFS key");
  const history = Array.isArray(v.history) ? v.history : [];
  return checkedDiffIDs(v.rootfs.diff_ids ?? [], history.filter((h) => !(h as { empty_layer?: boolean })?.empty_layer).length);
}

function checkedDiffIDs(diffIDs: unknown, nonEmptyHistory: number): Digest[] {
  if (!Array.isArray(diffIDs) || !diffIDs.every((d) => typeof d === "string" && ID_RE.test(d))) {
    throw new InvalidImageError("invalid image JSON: rootfs.diff_ids must be sha256 digests");
  }
  if (nonEmptyHistory > diffIDs.length) throw new InvalidImageError("too many non-empty layers in History section");
  return [...diffIDs] as Digest[];
}

/** A reference a tag may be created with (daemon TagImage rules). */
export function parseTagTarget(ref: string): NamedRef {
  const named = parseNamed(ref);
  if (named.digest !== undefined) throw new InvalidReferenceError("refusing to create a tag with a digest reference");
  if (named.name === "sha256") throw new InvalidReferenceError("refusing to create an ambiguous tag using digest algorithm as name");
  return withDefaultTag(named);
}

import type { Readable } from "node:stream";
import type { Digest } from "@tsbuild/image";
import type { Backend, LayerRecord, MetadataKey } from "../backend.js";
import type { RepositoriesFile } from "../reference.js";
import type { GraphDriverData, HollowLayer, LockOptions } from "../types.js";
import type { LayerRules } from "../layer/policy.js";

/**
 * A memory store over a read-only one: reads find this store's own layers, images and metadata
 * first, then the lower store's; writes and removals stay here (a removal of a lower item only
 * hides it). The in-process builder keeps built-in base images in one lower store for the whole
 * process, so a build does not generate, hash and ingest its base again (issue 16: debian is
 * 75 MB). References are this store's own: the lower store's tags are not seen.
 */
export class LayeredBackend implements Backend {
  readonly root = undefined;
  private readonly hiddenLayers = new Set<Digest>();
  private readonly hiddenImages = new Set<Digest>();
  /** Metadata deleted here that the lower store still has. */
  private readonly hiddenMeta = new Set<string>();

  constructor(
    private readonly own: Backend,
    private readonly lower: Backend,
  ) {}

  exclusive<T>(fn: () => Promise<T>, opts?: LockOptions): Promise<T> {
    return this.own.exclusive(fn, opts);
  }

  keepLockFresh(): void {
    this.own.keepLockFresh?.();
  }

  private lowerLayer(chainID: Digest): LayerRecord | undefined {
    return this.hiddenLayers.has(chainID) ? undefined : this.lower.layer(chainID);
  }

  layer(chainID: Digest): LayerRecord | undefined {
    return this.own.layer(chainID) ?? this.lowerLayer(chainID);
  }

  layerIDs(): Digest[] {
    const ids = new Set(this.own.layerIDs());
    for (const id of this.lower.layerIDs()) if (!this.hiddenLayers.has(id)) ids.add(id);
    return [...ids].sort();
  }

  async ingestLayer(tar: AsyncIterable<unknown>, parent: LayerRecord | null, expectDiffID?: Digest, rules?: LayerRules, immutable?: readonly Buffer[]): Promise<LayerRecord> {
    const rec = await this.own.ingestLayer(tar, parent, expectDiffID, rules, immutable);
    this.hiddenLayers.delete(rec.chainID);
    return rec;
  }

  private holder(rec: LayerRecord): Backend {
    return this.own.layer(rec.chainID) ? this.own : this.lower;
  }

  openLayer(rec: LayerRecord): Readable {
    return this.holder(rec).openLayer(rec);
  }

  async layerChunks(rec: LayerRecord, maxBytes: number): Promise<Buffer[] | undefined> {
    return this.holder(rec).layerChunks?.(rec, maxBytes);
  }

  async layerHollow(rec: LayerRecord): Promise<HollowLayer | undefined> {
    return this.holder(rec).layerHollow?.(rec);
  }

  tarSize(rec: LayerRecord): Promise<number> {
    return this.holder(rec).tarSize(rec);
  }

  async removeLayer(rec: LayerRecord): Promise<void> {
    if (this.own.layer(rec.chainID)) await this.own.removeLayer(rec);
    if (this.lower.layer(rec.chainID)) this.hiddenLayers.add(rec.chainID);
  }

  imageConfig(id: Digest): Buffer | undefined {
    return this.own.imageConfig(id) ?? (this.hiddenImages.has(id) ? undefined : this.lower.imageConfig(id));
  }

  imageIDs(): Digest[] {
    const ids = new Set(this.own.imageIDs());
    for (const id of this.lower.imageIDs()) if (!this.hiddenImages.has(id)) ids.add(id);
    return [...ids].sort();
  }

  async writeImage(id: Digest, config: Buffer): Promise<void> {
    await this.own.writeImage(id, config);
  }

  async removeImage(id: Digest): Promise<void> {
    await this.own.removeImage(id);
    if (this.lower.imageConfig(id)) {
      this.hiddenImages.add(id);
      for (const key of ["parent", "lastUpdated", "tsbuild-build.json"] as const) this.hiddenMeta.add(`${id} ${key}`);
    }
  }

  metadata(id: Digest, key: MetadataKey): string | undefined {
    const mine = this.own.metadata(id, key);
    if (mine !== undefined || this.hiddenMeta.has(`${id} ${key}`)) return mine;
    return this.lower.metadata(id, key);
  }

  async setMetadata(id: Digest, key: MetadataKey, value: string): Promise<void> {
    await this.own.setMetadata(id, key, value);
    this.hiddenMeta.delete(`${id} ${key}`);
  }

  async deleteMetadata(id: Digest, key: MetadataKey): Promise<void> {
    await this.own.deleteMetadata(id, key);
    this.hiddenMeta.add(`${id} ${key}`);
  }

  repositories(): RepositoriesFile {
    return this.own.repositories();
  }

  saveRepositories(r: RepositoriesFile): Promise<void> {
    return this.own.saveRepositories(r);
  }

  recordDistribution(diffID: Digest, compressed: Digest, sourceRepository: string): Promise<void> {
    return this.own.recordDistribution(diffID, compressed, sourceRepository);
  }

  graphDriver(rec: LayerRecord | undefined): GraphDriverData {
    return this.own.graphDriver(rec);
  }

  checkLayer(rec: LayerRecord): Promise<string[]> {
    return this.holder(rec).checkLayer(rec);
  }

  checkLayout(): Promise<string[]> {
    return this.own.checkLayout();
  }

  repair(): Promise<string[]> {
    return this.own.repair();
  }

  configLocation(id: Digest): string {
    return (this.own.imageConfig(id) ? this.own : this.lower).configLocation(id);
  }
}

import type { LayerRules } from "../layer/policy.js";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { sha256Digest, type Digest } from "@tsbuild/image";
import type { Backend, LayerRecord, MetadataKey } from "../backend.js";
import { chunksOf, ingestTar, type IngestResult } from "../layer/ingest.js";
import { lookupIngest } from "./ingest-memo.js";
import { ingestChunks } from "../layer/ingest-chunks.js";
import { DiffIDMismatchError } from "../layer/verify.js";
import { serialized } from "../lock.js";
import type { RepositoriesFile } from "../reference.js";
import type { GraphDriverData } from "../types.js";

/**
 * The same store without a disk: layer tars are kept in memory as the buffers they were given in
 * (so they rebuild trivially, and a layer handed over as a sandbox's chunks shares its bytes
 * with the sandbox instead of being copied), and every tar still goes through the same checks
 * as on disk. The buffers must not be modified after putLayer.
 */
export class MemoryBackend implements Backend {
  readonly root = undefined;
  private readonly lockKey = "memory:" + randomBytes(8).toString("hex");
  private readonly layers = new Map<Digest, { rec: LayerRecord; tar: Buffer[] }>();
  private readonly images = new Map<Digest, Buffer>();
  private readonly meta = new Map<string, string>();
  private repos: RepositoriesFile = { Repositories: {} };
  private readonly distribution = new Map<Digest, Digest>();

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return serialized(this.lockKey, fn);
  }

  layer(chainID: Digest): LayerRecord | undefined {
    return this.layers.get(chainID)?.rec;
  }

  layerIDs(): Digest[] {
    return [...this.layers.keys()].sort();
  }

  async ingestLayer(tar: AsyncIterable<unknown>, parent: LayerRecord | null, expectDiffID?: Digest, rules: LayerRules = {}, immutable?: readonly Buffer[]): Promise<LayerRecord> {
    let chunks: Buffer[] = [];
    let result: IngestResult;
    if (immutable) {
      // Buffers held and never modified: walked synchronously, or not at all when seen before.
      const memo = lookupIngest(immutable, rules);
      result = memo.hit ?? ingestChunks(immutable, rules);
      if (!memo.hit) memo.remember?.(result);
      chunks = [...immutable];
    } else {
      async function* keep() {
        for await (const c of tar) {
          const b = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
          chunks.push(b);
          yield b;
        }
      }
      result = await ingestTar(keep(), { rules });
    }
    if (expectDiffID && result.diffID !== expectDiffID) {
      throw new DiffIDMismatchError(`layer tar hashes to ${result.diffID}, expected ${expectDiffID}`);
    }
    const chainID = parent ? sha256Digest(parent.chainID + " " + result.diffID) : result.diffID;
    const existing = this.layers.get(chainID);
    if (existing) return existing.rec;
    const rec: LayerRecord = {
      chainID, diffID: result.diffID, size: result.size, cacheID: randomBytes(32).toString("hex"),
      ...(parent ? { parent: parent.chainID } : {}),
    };
    this.layers.set(chainID, { rec, tar: chunks });
    return rec;
  }

  openLayer(rec: LayerRecord): Readable {
    const entry = this.layers.get(rec.chainID);
    if (!entry) throw new Error(`layer ${rec.chainID} is not in the store`);
    return Readable.from(entry.tar, { objectMode: false });
  }

  async layerChunks(rec: LayerRecord, maxBytes: number): Promise<Buffer[] | undefined> {
    const entry = this.layers.get(rec.chainID);
    if (!entry) throw new Error(`layer ${rec.chainID} is not in the store`);
    return rec.size > maxBytes ? undefined : entry.tar;
  }

  async tarSize(rec: LayerRecord): Promise<number> {
    return this.layers.get(rec.chainID)?.tar.reduce((n, c) => n + c.length, 0) ?? 0;
  }

  async removeLayer(rec: LayerRecord): Promise<void> {
    this.layers.delete(rec.chainID);
  }

  imageConfig(id: Digest): Buffer | undefined {
    return this.images.get(id);
  }

  imageIDs(): Digest[] {
    return [...this.images.keys()].sort();
  }

  async writeImage(id: Digest, config: Buffer): Promise<void> {
    this.images.set(id, Buffer.from(config));
  }

  async removeImage(id: Digest): Promise<void> {
    this.images.delete(id);
    this.meta.delete(`${id} parent`);
    this.meta.delete(`${id} lastUpdated`);
  }

  metadata(id: Digest, key: MetadataKey): string | undefined {
    return this.meta.get(`${id} ${key}`);
  }

  async setMetadata(id: Digest, key: MetadataKey, value: string): Promise<void> {
    this.meta.set(`${id} ${key}`, value);
  }

  async deleteMetadata(id: Digest, key: MetadataKey): Promise<void> {
    this.meta.delete(`${id} ${key}`);
  }

  repositories(): RepositoriesFile {
    return structuredClone(this.repos);
  }

  async saveRepositories(r: RepositoriesFile): Promise<void> {
    this.repos = structuredClone(r);
  }

  async recordDistribution(diffID: Digest, compressed: Digest): Promise<void> {
    this.distribution.set(compressed, diffID);
  }

  graphDriver(): GraphDriverData {
    return { Data: null, Name: "overlay2" };
  }

  async checkLayer(rec: LayerRecord): Promise<string[]> {
    const entry = this.layers.get(rec.chainID);
    if (!entry) return [`layer ${rec.chainID}: missing`];
    const again = await ingestTar(chunksOf(entry.tar), { trusted: true }).catch((e: Error) => e);
    if (again instanceof Error) return [`layer ${rec.chainID}: ${again.message}`];
    return again.diffID === rec.diffID ? [] : [`layer ${rec.chainID}: content hashes to ${again.diffID}, not ${rec.diffID}`];
  }

  async checkLayout(): Promise<string[]> {
    return [];
  }

  async repair(): Promise<string[]> {
    return [];
  }

  configLocation(id: Digest): string {
    return `the in-memory config of ${id}`;
  }
}

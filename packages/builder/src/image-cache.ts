import type { BuildRecord, ContainerConfig, Digest, ImageConfigFile } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";
import type { Clock } from "./clock.js";
import { BuildError, type BuildOptions } from "./options.js";
import { configDifferences } from "./cache.js";
import { missReasons, sameInstruction } from "./cache-miss.js";

/** What a step is, for telling an earlier build of it from an unrelated image on the same parent. */
export interface StepIdentity {
  kind: string;
  /** The instruction's text (a trigger's own text when an ONBUILD trigger runs). */
  text: string;
  dockerfile: string;
  line: number;
  /** path → content hash of the context files a COPY/ADD takes (the miss reasons name them). */
  sources?: Record<string, string>;
}

export type CacheAnswer =
  | { hit: Digest; config: ImageConfigFile }
  | { hit?: undefined; candidate?: Digest; differences: string[] };

/**
 * The classic builder's image cache (moby's one-method ImageCache, daemon/images/cache.go
 * localImageCache): a hit is a child of the parent image (or, for FROM scratch, an image without
 * parent) whose container config matches; the newest wins. A miss comes with the nearest earlier
 * build of the same step and why it differs. It only answers: printing, busting the stage and the
 * step's record belong to the step pipeline.
 */
export class ImageCache {
  constructor(
    private readonly store: ImageStore,
    private readonly clock: Clock,
    private readonly cacheFrom?: BuildOptions["cacheFrom"],
    /** The records this build wrote (newer than any read before). */
    private readonly written: ReadonlyMap<Digest, BuildRecord> = new Map(),
  ) {}

  async find(parent: Digest | undefined, probe: ContainerConfig, step: StepIdentity): Promise<CacheAnswer> {
    let best: { id: Digest; created: string; config: ImageConfigFile } | undefined;
    const misses: Array<{ id: Digest; diffs: string[]; config: ContainerConfig }> = [];
    for (const id of this.store.childrenOf(parent)) {
      // Read configs are taken as they are: awaiting each of thousands costs a turn apiece.
      const cfg = this.configs.get(id) ?? (await this.config(id));
      if (!cfg.container_config) continue;
      // SOURCE_DATE_EPOCH promises the IDs a fresh store gives: an image made at another time is not one of them.
      if (this.clock.reproducible && (cfg.created !== this.clock.timestamp() || cfg.container !== undefined)) continue;
      const diffs = configDifferences(probe, cfg.container_config);
      if (diffs.length === 0) {
        if (!best || cfg.created > best.created) best = { id, created: cfg.created, config: cfg };
      } else misses.push({ id, diffs, config: cfg.container_config });
    }
    if (this.cacheFrom) {
      const id = await this.cacheFrom.get(parent, probe, best?.id, this.store);
      best = id ? { id, created: "", config: await this.config(id) } : undefined;
    }
    if (best) return { hit: best.id, config: best.config };
    // The nearest earlier build of the step: fewest differences, first in order (a stable sort);
    // build records are read only until one is found, not for each of thousands of children.
    const nearest = misses.sort((a, b) => a.diffs.length - b.diffs.length).find((m) => this.sameStep(step, probe, m.config, m.id));
    const differences = nearest
      ? missReasons(probe, nearest.config, this.record(nearest.id), step.sources)
      : ["no earlier build of this step from the same parent image"];
    return { candidate: nearest?.id, differences };
  }

  /**
   * Whether a child of the same parent is an earlier build of this step (so that saying why it was
   * not reused helps): built from the same Dockerfile line or the same instruction text, or, with no
   * build record, the same instruction with other sources or build args. Images that merely share
   * the base (another Dockerfile's CMD) are not.
   */
  private sameStep(step: StepIdentity, probe: ContainerConfig, candidate: ContainerConfig, id: Digest): boolean {
    const record = this.record(id);
    if (record) return record.kind === step.kind && (record.text === step.text || (record.dockerfile === step.dockerfile && record.line === step.line));
    return sameInstruction(probe.Cmd ?? [], candidate.Cmd ?? []);
  }

  /**
   * An image's config, read (and verified) once per build: IDs are content addresses, and the
   * build holds the store's lock, so no other process removes or rewrites one meanwhile. Each
   * step probes every child of its parent, as Docker does from its in-memory image store; read
   * from disk each time, a store of 5,000 children of busybox made a 400-stage build take minutes.
   */
  private readonly configs = new Map<Digest, ImageConfigFile>();
  /** Build records read, once per build as configs are (those this build writes come from `written`). */
  private readonly records = new Map<Digest, BuildRecord | undefined>();

  private record(id: Digest): BuildRecord | undefined {
    const mine = this.written.get(id);
    if (mine) return mine;
    if (!this.records.has(id)) this.records.set(id, this.store.getBuildRecord(id));
    return this.records.get(id);
  }

  private async config(id: Digest): Promise<ImageConfigFile> {
    const img = this.store.getImage(id);
    if (!img) throw new BuildError(`No such image: ${id}`);
    const cfg = await img.config();
    this.configs.set(id, cfg);
    return cfg;
  }

}

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
  ) {}

  async find(parent: Digest | undefined, probe: ContainerConfig, step: StepIdentity): Promise<CacheAnswer> {
    let best: { id: Digest; created: string; config: ImageConfigFile } | undefined;
    let nearest: { id: Digest; diffs: string[]; config: ContainerConfig } | undefined;
    for (const id of this.store.childrenOf(parent)) {
      const cfg = await this.config(id);
      if (!cfg.container_config) continue;
      // SOURCE_DATE_EPOCH promises the IDs a fresh store gives: an image made at another time is not one of them.
      if (this.clock.reproducible && (cfg.created !== this.clock.timestamp() || cfg.container !== undefined)) continue;
      const diffs = configDifferences(probe, cfg.container_config);
      if (diffs.length === 0) {
        if (!best || cfg.created > best.created) best = { id, created: cfg.created, config: cfg };
      } else if ((!nearest || diffs.length < nearest.diffs.length) && this.sameStep(step, probe, cfg.container_config, id)) {
        nearest = { id, diffs, config: cfg.container_config };
      }
    }
    if (this.cacheFrom) {
      const id = await this.cacheFrom.get(parent, probe, best?.id);
      best = id ? { id, created: "", config: await this.config(id) } : undefined;
    }
    if (best) return { hit: best.id, config: best.config };
    const differences = nearest
      ? missReasons(probe, nearest.config, this.store.getBuildRecord(nearest.id), step.sources)
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
    const record: BuildRecord | undefined = this.store.getBuildRecord(id);
    if (record) return record.kind === step.kind && (record.text === step.text || (record.dockerfile === step.dockerfile && record.line === step.line));
    return sameInstruction(probe.Cmd ?? [], candidate.Cmd ?? []);
  }

  private async config(id: Digest): Promise<ImageConfigFile> {
    const img = this.store.getImage(id);
    if (!img) throw new BuildError(`No such image: ${id}`);
    return img.config();
  }
}

import { chainIDs, type BuildRecord, type Digest, type ImageConfigFile } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";
import type { Dockerfile, Stage } from "@tsbuild/parser";
import { RootFS } from "@tsbuild/fs-snapshot";
import type { BuildOptions, StepRecord } from "./options.js";
import { BuildError } from "./options.js";
import { Clock } from "./clock.js";
import { BuildKitCache } from "./buildkit/cache.js";
import type { StageState } from "./state.js";
import { ImageCache } from "./image-cache.js";
import { StepError } from "./step.js";
import { laterStageRefs, stageStillNamed } from "./stage-release.js";

/** Everything a dispatcher needs: the build's options, store, clock, stages and output. */
export class BuildRun {
  readonly store: ImageStore;
  readonly clock: Clock;
  readonly stages = new Map<number, StageState>();
  readonly steps: StepRecord[] = [];
  /** The record of every image this build committed or reused, as this build made it. */
  readonly records = new Map<Digest, BuildRecord>();
  readonly warnings: string[] = [];
  /** Build args that some ARG declared (for Docker's "not consumed" warning). */
  readonly consumedArgs = new Set<string>();
  /** Values of ARGs declared before the first FROM. */
  readonly metaArgs = new Map<string, string | undefined>();
  /** The classic builder's cache of intermediate images. */
  readonly cache: ImageCache;
  private readonly imageSandboxes = new Map<string, RootFS>();
  /** BuildKit mode: the content-based cache. */
  readonly bkCache: BuildKitCache;
  /** BuildKit mode: the vertex counter (#N) and each stage's [k/m] position. */
  bkVertex = 0;
  /** BuildKit mode: the last step vertex printed, for its ERROR line and the failure's summary. */
  bkLastVertex?: { vertex: number; name: string };
  /** BuildKit mode: the FROM vertices printed, by image; whether a step has had to run yet. */
  readonly bkFromVertices = new Map<string, { vertex: number; cached: boolean; shared: boolean }>();
  bkSolving = false;
  readonly bkPosition = new Map<number, { k: number; m: number; label: string }>();

  constructor(
    readonly opts: BuildOptions,
    readonly dockerfile: Dockerfile,
    readonly plan: Stage[],
    readonly totalSteps: number,
  ) {
    this.store = opts.store;
    this.clock = new Clock(opts.sourceDateEpoch, opts.now);
    this.bkCache = new BuildKitCache(opts.store);
    this.cache = new ImageCache(opts.store, this.clock, opts.cacheFrom, this.records);
  }

  /** How messages and build records name the Dockerfile. */
  get dockerfileName(): string {
    return this.opts.dockerfileName ?? "Dockerfile";
  }

  /** The classic builder's output lines; BuildKit prints its own (say). */
  print(line: string): void {
    if (!this.opts.buildkit) this.opts.output?.(line + "\n");
  }

  /** A line of BuildKit's plain progress output. */
  say(line: string): void {
    this.opts.output?.(line + "\n");
  }

  /**
   * The daemon's stderr stream: Docker wraps each chunk in red (streamformatter's stderr writer)
   * inside the same output, so `Step 1/N` can follow a warning on the same line, as in c23.
   */
  printStderr(text: string): void {
    if (this.opts.errorOutput) this.opts.errorOutput(text);
    else this.opts.output?.(`\x1b[91m${text}\x1b[0m`);
  }

  /** A step's failure; the evaluator adds the Dockerfile, the line and the instruction. */
  err(message: string, exitCode = 1): StepError {
    return new StepError(message, exitCode);
  }

  async imageConfig(id: Digest): Promise<ImageConfigFile> {
    const img = this.store.getImage(id);
    if (!img) throw new BuildError(`No such image: ${id}`);
    return img.config();
  }

  /**
   * The stage's filesystem at its current image, materialised only now (a cached build never
   * gets here). Reused across steps while it still reflects the image's layers.
   */
  async sandbox(state: StageState): Promise<RootFS> {
    const want = state.image?.rootfs.diff_ids ?? [];
    if (state.sandbox && sameList(state.sandbox.diffIDs, want)) return state.sandbox.fs;
    // BuildKit keeps no intermediate images: its stage state is a list of layers.
    const fs = this.opts.buildkit ? await this.materialiseLayers(want) : await this.materialise(state.imageId);
    state.sandbox = { fs, diffIDs: [...want] };
    return fs;
  }

  /**
   * Drops the filesystems of finished stages no later step can name, so that a build of many
   * stages holds only what is still needed; sandbox() would rebuild one from its image if asked.
   */
  releaseFinishedStages(done: number): void {
    const refs = laterStageRefs(this.plan, done);
    for (const s of this.stages.values()) {
      if (s.index <= done && s.sandbox && !stageStillNamed(refs, s)) s.sandbox = undefined;
    }
  }

  /** A read-only view of any image's filesystem (COPY --from an image), kept for the build. */
  async imageFs(id: Digest): Promise<RootFS> {
    let fs = this.imageSandboxes.get(id);
    if (!fs) {
      fs = await this.materialise(id);
      this.imageSandboxes.set(id, fs);
    }
    return fs;
  }

  private async materialiseLayers(diffIDs: readonly string[]): Promise<RootFS> {
    const fs = new RootFS({ ownerNames: DAEMON_HOST_NAMES });
    const layers = chainIDs([...diffIDs] as Digest[]).map((chain, i) => {
      const layer = this.store.getLayer(chain);
      if (!layer) throw new BuildError(`layer ${chain} is missing from the store`);
      return { diffID: diffIDs[i], open: () => layer.open(), chunks: (max: number) => layer.chunks?.(max) ?? Promise.resolve(undefined), hollow: () => layer.hollow?.() ?? Promise.resolve(undefined) };
    });
    await fs.applyVerifiedLayers(layers);
    return fs;
  }

  private async materialise(id: Digest | ""): Promise<RootFS> {
    const fs = new RootFS({ ownerNames: DAEMON_HOST_NAMES });
    if (!id) return fs;
    const img = this.store.getImage(id);
    if (!img) throw new BuildError(`No such image: ${id}`);
    // The store checked every layer against its diffID when it took it in: a base already
    // materialised in this process from the same diffIDs is copied, not re-read.
    const layers = await img.layers();
    const diffIDs = await Promise.all(layers.map((l) => l.diffID()));
    await fs.applyVerifiedLayers(layers.map((l, i) => ({ diffID: diffIDs[i], open: () => l.open(), chunks: (max: number) => l.chunks?.(max) ?? Promise.resolve(undefined), hollow: () => l.hollow?.() ?? Promise.resolve(undefined) })));
    return fs;
  }
}

/**
 * Docker's layer tars carry user and group names looked up on the daemon's host (Go's
 * tar.FileInfoHeader): "root" for 0 on any Linux host, and no name for ids the host lacks. With the
 * same mtimes, tsbuild's layer tars are then Docker's byte for byte (same diffIDs).
 */
const DAEMON_HOST_NAMES = { user: (id: number) => (id === 0 ? "root" : ""), group: (id: number) => (id === 0 ? "root" : "") };

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

import type { FromSums } from "./copy/from-sums.js";
import type { BuildRecord, ContainerConfig, Digest } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";
import type { BuildContext } from "@tsbuild/context";
import type { Instruction } from "@tsbuild/parser";
import type { CommandModel } from "@tsbuild/shell";
import type { NamedContext } from "./named-contexts.js";

export interface BuildOptions {
  store: ImageStore;
  context: BuildContext;
  /** Dockerfile text; defaults to the context's Dockerfile. */
  dockerfileText?: string;
  /** How messages name the Dockerfile ("Dockerfile", "ci/Dockerfile.prod"). */
  dockerfileName?: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  /**
   * Build as BuildKit does (DOCKER_BUILDKIT=1) rather than as Docker 20.10's classic builder, which
   * refuses BuildKit's flags with its own messages (the default).
   */
  buildkit?: boolean;
  /** Docker's build output, line by line as Docker prints it. */
  output?: (text: string) => void;
  /** RUN's stderr; Docker colours it, we keep it apart so a terminal can. */
  errorOutput?: (text: string) => void;
  /** Seconds since the epoch: clamps every timestamp and clears host fields (SOURCE_DATE_EPOCH). */
  sourceDateEpoch?: number;
  /**
   * Resolves FROM names the store lacks; returns an image now in the store. Default: the built-in
   * images. `locked` is the build's store as its lock handed it: write the image through it.
   */
  resolveMissingBase?: (ref: string, locked: ImageStore) => Promise<Digest | undefined>;
  /** false: no built-in simulated images (busybox, alpine, debian, ubuntu) for names the store lacks. */
  builtins?: boolean;
  /**
   * Stand-ins for programs RUN cannot run (npm, pip, go, make, curl...). Default: the models file
   * beside the Dockerfile in the context (tsbuild.models.json), then tsbuild's own (@tsbuild/models).
   */
  models?: CommandModel[];
  /**
   * Limits for RUN (a runaway script ends with an error, never hangs). `watchdog`: a step still
   * running its time limit plus a grace period later (JavaScript that never yields) kills the
   * process after printing the step's failure (see the builder README); for processes that
   * exist for the build only, as the CLI's.
   */
  runLimits?: { timeoutMs?: number; maxCommands?: number; watchdog?: boolean };
  now?: () => Date;
  /** `--secret id=…,src=…|env=…` for BuildKit's `RUN --mount=type=secret` (src absolute). */
  secrets?: Array<{ id: string; src?: string; env?: string }>;
  /**
   * `--cache-from`: images (typically pulled, so without parent links) whose steps may serve this
   * build's, with the classic builder's rules (the store's CacheFromSources). `localHit` is what
   * the local cache found; the source decides whether it still counts.
   */
  cacheFrom?: { get(parent: Digest | undefined, probe: ContainerConfig, localHit?: Digest, locked?: ImageStore): Promise<Digest | undefined> };
  /**
   * Where COPY --from's source hashes are remembered by layers and patterns (copy/from-sums.ts);
   * the CLI keeps them in the store root, the default keeps them for the process.
   */
  fromSums?: FromSums;
  /** RUN downloads (apt, curl, wget) only from the content cache (`--offline`; default: TSBUILD_OFFLINE=1). */
  offline?: boolean;
  /** The content cache for RUN downloads. Default: `<store root>/content`, else @tsbuild/fetch's default directory. */
  contentDir?: string;
  /** `docker build --network none`: every RUN without network, as `RUN --network=none`. */
  network?: "default" | "host" | "none";
  /**
   * BuildKit's `--build-context NAME=VALUE`, by lower-case name: FROM NAME, `COPY --from=NAME` and
   * `RUN --mount from=NAME` take this image or directory, before any stage of that name.
   */
  namedContexts?: Record<string, NamedContext>;
}

export interface StepRecord {
  step: number;
  of: number;
  text: string;
  stage: number;
  instruction: Instruction;
  cached: boolean;
  /** The image after this step (undefined for meta ARGs). */
  imageId?: Digest;
  /** The layer this step added, if any. */
  diffID?: Digest;
  /** Set on the first cache miss of a stage: what differed from the nearest candidate. */
  cacheMiss?: CacheMissReason;
}

export interface CacheMissReason {
  /** The nearest candidate image (same parent) and how its config differs. */
  candidate?: Digest;
  differences: string[];
}

export interface BuildResult {
  imageId: Digest;
  steps: StepRecord[];
  /**
   * The build record of every image this build committed or took from the cache, as this build
   * made it (its Dockerfile, line and text; ONBUILD trigger images at their FROM's line). BuildKit
   * mode writes no intermediate images: empty.
   */
  records: Map<Digest, BuildRecord>;
  tags: string[];
  warnings: string[];
}

/** A failed build: names the step and instruction; exitCode is a failing RUN's own code. */
export class BuildError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly step?: StepRecord,
  ) {
    super(message);
    this.name = "BuildError";
  }
}

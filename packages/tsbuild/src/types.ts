import type { BuildError, ImageSource, StepRecord } from "@tsbuild/builder";
import type { Analysis } from "@tsbuild/explain";
import type { Digest, HistoryEntry, ImageConfigFile, LayerEntry } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";
import type { ContextFile } from "@tsbuild/context";

/** One file of an in-memory context: its text or bytes, or the details (mtime default: 0, or sourceDateEpoch). */
export type { ContextFile };

/** A context kept in memory: paths relative to the context root ("src/app.js") → files. */
export interface InMemoryContext {
  files: Record<string, ContextFile>;
}

/** The Dockerfile's text, or where it is in the context (see BuildOptions.dockerfile for a bare string). */
export type DockerfileSource = string | { text: string } | { path: string };

export interface BuildOptions {
  /** A directory (sent as the docker CLI sends it, .dockerignore applied) or files in memory. */
  context: string | InMemoryContext;
  /**
   * The Dockerfile: its text, or a path relative to the context (default "Dockerfile"). A string
   * is the text when it has a line break, or a blank and names no file of the context
   * ("FROM busybox"); otherwise a path. `{ text }` / `{ path }` say which explicitly.
   */
  dockerfile?: DockerfileSource;
  buildArgs?: Record<string, string>;
  /** Build up to this stage (`--target`). */
  target?: string;
  /** Default: a fresh in-memory store, so nothing touches the disk. */
  store?: ImageStore;
  /**
   * Base images to import before building, by the reference FROM uses: a tar of the root
   * filesystem (path or bytes), imported as `docker import` would. Skipped when the store
   * already has the reference.
   */
  bases?: Record<string, string | Buffer>;
  /** `-t`: references to tag the image with. */
  tags?: string[];
  noCache?: boolean;
  /** SOURCE_DATE_EPOCH: clamps every timestamp, so the image ID is the same on every run. */
  sourceDateEpoch?: number;
  /**
   * Pull FROM names the store lacks from their registry (`docker build`'s behaviour). Off by
   * default so unit tests stay hermetic: the built-in images answer. Offline, the built-ins answer.
   */
  pull?: boolean | { platform?: string; offline?: boolean; insecureRegistries?: string[] };
  /**
   * The chain FROM resolves through after the store, in order (first answer wins), as the CLI
   * gives its own. Default: the registry when `pull` is set, else the built-in images.
   */
  sources?: ImageSource[];
}

/** Where a layer came from in the Dockerfile. */
export interface LayerInstruction {
  /** The Dockerfile as the build named it ("Dockerfile", "ci/Dockerfile.prod"). */
  dockerfile: string;
  /** 1-based first line of the instruction. */
  line: number;
  endLine: number;
  /** As Docker prints it in `Step N/M : …`. For an ONBUILD trigger, the trigger's own text. */
  text: string;
  stage: number;
  /** Run as an ONBUILD trigger of the base image, on behalf of the FROM at `line`. */
  trigger?: boolean;
}

export interface BuiltLayer {
  /** 0-based position in rootfs.diff_ids. */
  index: number;
  diffID: Digest;
  /** Docker's layer size (regular file bytes + symlink targets, hard links once). */
  size: number;
  /** The Dockerfile instruction that made it; absent for the base image's layers. */
  instruction?: LayerInstruction;
  /** The history entry's created_by. */
  createdBy: string;
  /** The layer tar's entries, in tar order (paths relative, as the conformance cases write them). */
  entries: LayerEntry[];
  /** Absolute paths this layer creates (not visible below it); largest first, as explain lists them. */
  added: string[];
  /**
   * Absolute paths this layer replaces or changes (visible below it). A directory counts only
   * when its mode or owner changed, not when it is in the tar just as the parent of a change.
   */
  modified: string[];
  /** Absolute paths this layer removes (whiteouts, and what an opaque directory hides). */
  deleted: string[];
  /** The image the layer belongs to (not enumerable, so printing a layer stays short). */
  readonly image: BuiltImage;
}

/** A path of the image's final filesystem. */
export interface ImageFile {
  /** Absolute, as asked for after symlinks in its parent directories were followed. */
  path: string;
  entry: LayerEntry;
  /** The layer whose copy is visible. */
  layer: number;
}

export interface BuiltImage {
  id: Digest;
  /** Full references ("name:tag") the image was tagged with. */
  tags: string[];
  config: ImageConfigFile;
  history: HistoryEntry[];
  /** The builder's record of every step (cached or not, cache-miss reasons). */
  steps: StepRecord[];
  /** The build log as Docker prints it (RUN output included). */
  output: string;
  warnings: string[];
  layers: BuiltLayer[];
  /** Docker's image size: the sum of the layer sizes. */
  size: number;
  /** Sizes, wasted bytes and findings (@tsbuild/explain). */
  explain: Analysis;
  /** Where the image is; pass it to the next build to use the cache. */
  store: ImageStore;
  /** Layer i; a negative i counts from the top (-1 is the last layer). Throws a RangeError naming the count. */
  layer(i: number): BuiltLayer;
  /** The path in the final filesystem (parent symlinks followed, the last component not), or undefined. */
  file(path: string): ImageFile | undefined;
}

/** The builder's BuildError, with the log printed up to the failure. */
export type BuildFailure = BuildError & { output: string };

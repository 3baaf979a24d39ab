import type { BuildRecord, Digest, ImageConfigFile, LayerEntry } from "@tsbuild/image";

/** What the analysis needs of an image, wherever it comes from (store, in-memory build, archive). */
export interface AnalyzableImage {
  id?: Digest;
  config: ImageConfigFile;
  /** In rootfs order. */
  layers: Array<{ diffID: Digest; size: number; entries(): Promise<LayerEntry[]> }>;
  /** Per history entry (same index as config.history): the step that made it, when tsbuild built it. */
  records?: Array<BuildRecord | undefined>;
}

export interface FileChange {
  path: string;
  type: LayerEntry["type"];
  /** Bytes this layer stores for the path (0 for whiteouts and directories). */
  size: number;
  /** Modified and deleted paths: the bytes the path had just below this layer (a directory: its whole tree). */
  previousSize?: number;
  /** Modified files: the content is byte for byte what was there; only metadata (mode, owner, mtime) changed. */
  sameContent?: boolean;
}

export interface LayerAnalysis {
  index: number;
  diffID: Digest;
  /** Docker's layer size. */
  size: number;
  /** The history entry that made it (its created_by, or "(missing)"). */
  createdBy: string;
  /** Index of that entry in config.history (-1 when the image has too few entries). */
  historyIndex: number;
  /** How findings and reports name the step: "Dockerfile:2 `RUN apk add …`", "layer 1 `RUN …`". */
  label: string;
  /** The instruction keyword (RUN, COPY, ADD, WORKDIR…) from the record or the history text; "" when unknown. */
  instruction: string;
  /** The instruction's text ("RUN apk add …"), from the record or the history text. */
  text: string;
  /** Part of the base image (the layers below the first step of the build). */
  base: boolean;
  record?: BuildRecord;
  /** Largest first. */
  added: FileChange[];
  modified: FileChange[];
  deleted: FileChange[];
  /** Bytes in this layer that a later layer deletes or overwrites (nobody sees them). */
  hiddenBytes: number;
  hidden: Array<{ path: string; size: number; byLayer: number; how: "deleted" | "overwritten" }>;
}

export interface DiveFigures {
  /** dive's efficiency score, 0..1, computed exactly as dive computes it. */
  efficiency: number;
  /** dive's wasted bytes (counts every copy of a file that exists in more than one layer, the kept one too). */
  wastedBytes: number;
  /**
   * dive's "user wasted percent", a ratio (0.25 = 25%): ALL of dive's wasted bytes (base layer
   * included) / dive's size of the layers above the first one. NaN or Infinity when those layers are empty.
   */
  userWastedPercent: number;
  /** dive's image size: the sum of the tar header sizes of every layer (symlinks and hard links count 0). */
  sizeBytes: number;
  /** The same without the first layer (dive's UserSizeByes). */
  userSizeBytes: number;
  /** dive's inefficient paths (in more than one layer), largest cumulative size first. */
  inefficiencies: Array<{ path: string; count: number; cumulativeSize: number }>;
}

export interface Finding {
  kind: "deleted-later" | "overwritten-later" | "package-cache" | "metadata-copy" | "duplicate-copy" | "cache-order" | "secret";
  /** A credential left in a layer: listed before every size finding, whatever its bytes. */
  security?: true;
  /** Plain words naming instructions and lines, e.g. "Dockerfile:2 `RUN apk add …` adds 8.2 MB that …". */
  message: string;
  /** Bytes that could be saved. */
  bytes: number;
  layers: number[];
}

export interface Analysis {
  imageId?: Digest;
  totalSize: number;
  layers: LayerAnalysis[];
  /** tsbuild's count: every copy nobody sees (a file in N layers wastes N−1 copies; a deleted file all of them). */
  wastedBytes: number;
  /** Same, excluding waste that is entirely inside the base image's layers. */
  userWastedBytes: number;
  /** How many of the layers (from the bottom) belong to the base image. */
  baseLayers: number;
  dive: DiveFigures;
  findings: Finding[];
}

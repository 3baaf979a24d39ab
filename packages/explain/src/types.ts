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
}

export interface LayerAnalysis {
  index: number;
  diffID: Digest;
  /** Docker's layer size. */
  size: number;
  /** The history entry that made it. */
  createdBy: string;
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
  /** dive's user wasted percent: wasted bytes outside the base layer / image size. */
  userWastedPercent: number;
}

export interface Finding {
  kind: "deleted-later" | "overwritten-later" | "package-cache" | "metadata-copy" | "duplicate-copy" | "cache-order";
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
  dive: DiveFigures;
  findings: Finding[];
}

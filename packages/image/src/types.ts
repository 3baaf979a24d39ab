import type { Readable } from "node:stream";
import type { Digest } from "./digest.js";
import type { ImageConfigFile } from "./config.js";

/**
 * A layer as go-containerregistry's v1.Layer sees it: values are computed once, lazily.
 * `open()` yields the uncompressed tar; its sha256 is the diffID.
 */
export interface Layer {
  diffID(): Promise<Digest>;
  /** Docker's layerdb `size`: regular file bytes plus symlink target lengths, hard links once. */
  size(): Promise<number>;
  open(): Promise<Readable>;
}

export interface Image {
  id(): Promise<Digest>;
  rawConfig(): Promise<Buffer>;
  config(): Promise<ImageConfigFile>;
  layers(): Promise<Layer[]>;
}

/** A tar entry as the conformance cases describe layer contents. */
export interface LayerEntry {
  path: string;
  type: "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo" | "other";
  mode: string;
  uid: number;
  gid: number;
  size?: number;
  sha256?: string;
  linkname?: string;
}

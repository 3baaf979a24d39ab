export { RootFS } from "./rootfs.js";
export type { VerifiedLayer } from "./base-memo.js";
export { lexists, type FileSystem } from "./filesystem.js";
export { layerEntries, layerSize, gzipLayer } from "./layer-info.js";
export { fsError, isFsError, type FsError } from "./errors.js";
export type {
  Stat, Owner, LayerDiff, RootFSOptions, CommitOptions, WriteFileOptions, MkdirOptions,
} from "./types.js";

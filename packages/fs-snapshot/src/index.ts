export { RootFS } from "./rootfs.js";
/** Writes of zeros at least this long are kept as a size (a placeholder), not bytes. */
export { ZERO_CHUNK as PLACEHOLDER_MIN_BYTES } from "./memfs-node.js";
export type { VerifiedLayer, HollowLayer, HollowMember } from "./base-memo.js";
export type { ExternalBytes } from "./spill.js";
export { lexists, type FileSystem } from "./filesystem.js";
export { layerEntries, layerSize, gzipLayer } from "./layer-info.js";
export { fsError, isFsError, type FsError } from "./errors.js";
export type {
  Stat, Owner, LayerDiff, RootFSOptions, CommitOptions, WriteFileOptions, MkdirOptions,
} from "./types.js";

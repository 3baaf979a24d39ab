export { builtinImage, builtinRefs, normalizeRef, type BuiltinImage } from "./builtin.js";
export { writeTar, type TarEntry, type TarEntryType } from "./tar-writer.js";
export type { ImageSpec } from "./spec.js";

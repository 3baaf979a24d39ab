export { builtinImage, builtinRefs, normalizeRef, type BuiltinImage } from "./builtin.js";
export type { ImageSpec } from "./spec.js";

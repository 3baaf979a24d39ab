export { build } from "./build.js";
export { BuildError } from "./options.js";
export type { BuildOptions, BuildResult, StepRecord, CacheMissReason } from "./options.js";
export { configDifferences } from "./cache.js";
export { importBuiltin, builtinNameOf } from "./builtins.js";
export { buildImage, builtinSource } from "./front-door.js";
export type { FrontDoorOptions, ImageSource } from "./front-door.js";
export type { NamedContext } from "./named-contexts.js";
export type { FromSum, FromSums } from "./copy/from-sums.js";

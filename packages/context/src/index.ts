export { BuildContext, type SumCacheOption } from "./build-context.js";
export type { DirectoryContextOptions } from "./read-directory.js";
export type { ContextFile, FilesContextOptions } from "./from-files.js";
export type { ContextEntry, ResolvedSource } from "./types.js";
export type { FileBytes } from "./record.js";
export { ContextError } from "./errors.js";
export {
  IgnorePattern,
  parseDockerignore,
  isIgnored,
  readDockerignoreLines,
} from "./dockerignore.js";
export { goMatch, containsWildcards } from "./gomatch.js";
export { tarsumV1, type TarsumHeader } from "./tarsum.js";

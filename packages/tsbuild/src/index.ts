export { build } from "./build.js";
export { loadImage } from "./load.js";
export { formatLayerTable, type LayerTableOptions } from "./layer-table.js";
export { tsbuildMatchers, type TsbuildMatchers } from "./matchers/index.js";
export { parseBytes } from "./bytes.js";
export { BuildError } from "@tsbuild/builder";
export { ContextError } from "@tsbuild/context";
export { memoryStore, openStore, type ImageStore } from "@tsbuild/store";
export type { StepRecord, CacheMissReason, ImageSource } from "@tsbuild/builder";
export type { Analysis, LayerAnalysis, Finding, DiveFigures, FileChange } from "@tsbuild/explain";
export type { Digest, ImageConfigFile, HistoryEntry, LayerEntry } from "@tsbuild/image";
export type {
  BuildOptions, BuiltImage, BuiltLayer, BuildFailure, ContextFile, DockerfileSource, ImageFile,
  InMemoryContext, LayerInstruction,
} from "./types.js";

export { loadModels, modelsFromContext, MODELS_FILE_NAMES, type ContextFiles } from "./load.js";
export { parseModelsFile, ModelsFileError } from "./format/parse.js";
export { compileModels, type LoadedModel } from "./model.js";
export { builtinModelsFile } from "./shipped.js";
export { parseBytes, formatBytes } from "./format/bytes.js";
export type { ModelsFile, ModelDecl, CreateDecl, NeedDecl, PackageFormat } from "./format/types.js";

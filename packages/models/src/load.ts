import { posix } from "node:path";
import { ModelsFileError, parseModelsFile } from "./format/parse.js";
import { compileModels, type LoadedModel } from "./model.js";
import { builtinModelsFile } from "./shipped.js";

/** The names a models file may have, beside the Dockerfile (or at the context's root). */
export const MODELS_FILE_NAMES = ["tsbuild.models.json", "tsbuild.models.yaml", "tsbuild.models.yml"] as const;

/** The part of a build context (@tsbuild/context's BuildContext) the models are read from. */
export interface ContextFiles {
  /** The Dockerfile's path in the context ("Dockerfile", "ci/Dockerfile.prod"). */
  readonly dockerfilePath: string;
  get(path: string): { type: string; data(): Buffer } | undefined;
}

/**
 * The user's models (a models file's text and the name messages give it), followed by the
 * models tsbuild ships. Throws ModelsFileError for a file that is not valid.
 */
export function loadModels(user?: { text: string; name: string }): LoadedModel[] {
  const files = user ? [parseModelsFile(user.text, user.name), builtinModelsFile()] : [builtinModelsFile()];
  return compileModels(files);
}

const fromContext = new WeakMap<ContextFiles, LoadedModel[]>();

/**
 * The models of a build: the context's models file beside the Dockerfile (else at the
 * context's root), then tsbuild's own. Read once per context. Throws ModelsFileError for an
 * invalid file, or when one directory holds models files under two names.
 */
export function modelsFromContext(context: ContextFiles): LoadedModel[] {
  let models = fromContext.get(context);
  if (!models) {
    models = loadModels(findModelsFile(context));
    fromContext.set(context, models);
  }
  return models;
}

function findModelsFile(context: ContextFiles): { text: string; name: string } | undefined {
  const dirs = [...new Set([posix.dirname(context.dockerfilePath.replace(/^\/+/, "")), "."])];
  for (const dir of dirs) {
    const found = MODELS_FILE_NAMES.map((n) => posix.join(dir, n)).filter((p) => context.get(p)?.type === "file");
    if (found.length > 1) {
      throw new ModelsFileError(`${found.join(" and ")}: two models files in one directory; keep one`);
    }
    if (found.length === 1) return { text: context.get(found[0])!.data().toString("utf8"), name: found[0] };
  }
  return undefined;
}

import type { CommandModel, SimCommand } from "@tsbuild/shell";
import type { ModelDecl, ModelsFile } from "./format/types.js";
import { runModel } from "./effects/run.js";

/** A model ready for the shell (RunSpec.models), with where it was declared. */
export interface LoadedModel extends CommandModel {
  readonly name: string;
  /** "tsbuild.models.json:12", or "built-in". */
  readonly source: string;
  readonly description?: string;
}

/**
 * The shell's models from validated files, earlier files first (the user's, then tsbuild's).
 * A model whose name an earlier file already declared is left out: a user's model replaces
 * the built-in one of the same name. `downloads` sizes declared in any file apply to all
 * models, an earlier file's winning.
 */
export function compileModels(files: readonly ModelsFile[]): LoadedModel[] {
  const downloads = new Map<string, number>();
  for (const f of [...files].reverse()) for (const [url, size] of f.downloads) downloads.set(url, size);
  const seen = new Set<string>();
  const out: LoadedModel[] = [];
  for (const file of files) {
    for (const decl of file.models) {
      if (seen.has(decl.name)) continue;
      seen.add(decl.name);
      for (const program of decl.programs) out.push(loaded(decl, program, downloads));
    }
  }
  return out;
}

function loaded(decl: ModelDecl, program: string, downloads: ReadonlyMap<string, number>): LoadedModel {
  return {
    program,
    override: decl.override,
    name: decl.name,
    source: decl.source,
    description: decl.description,
    match(args: string[]): SimCommand | undefined {
      if (decl.unless.some((p) => p.match(args))) return undefined;
      for (const pattern of decl.patterns) {
        const captures = pattern.match(args);
        if (captures) return (ctx) => runModel(decl, captures, downloads, ctx);
      }
      return undefined;
    },
  };
}

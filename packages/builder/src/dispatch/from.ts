import type { Digest } from "@tsbuild/image";
import { ShellLex, type Stage } from "@tsbuild/parser";
import type { RootFS } from "@tsbuild/fs-snapshot";
import type { BuildRun } from "../builder.js";
import { newStageState, type StageState } from "../state.js";
import { builtinNameOf, importBuiltin } from "../builtins.js";
import { contextFs, directoryImage, namedContext } from "../named-contexts.js";

/** FROM's image name may use ARGs declared before the first FROM, and nothing else. */
export function expandWithMetaArgs(run: BuildRun, word: string): string {
  const env = new Map<string, string>();
  for (const [k, v] of run.metaArgs) if (v !== undefined) env.set(k, v);
  try {
    return new ShellLex(run.dockerfile.escapeChar).processWord(word, env);
  } catch (e) {
    throw run.err((e as Error).message);
  }
}

/** A stage referenced by name (case-insensitive) or index, among those already built. */
export function findStage(run: BuildRun, ref: string, before: number): StageState | undefined {
  const lower = ref.toLowerCase();
  for (const s of run.stages.values()) if (s.index < before && s.name?.toLowerCase() === lower) return s;
  if (/^\d+$/.test(ref)) {
    const s = run.stages.get(Number(ref));
    if (s && s.index < before) return s;
  }
  return undefined;
}

async function missingBase(run: BuildRun, ref: string): Promise<Digest | undefined> {
  if (run.opts.resolveMissingBase) return run.opts.resolveMissingBase(ref, run.store);
  return run.opts.builtins === false ? undefined : importBuiltin(run.store, ref);
}

/** An image by name from the store, else a built-in one; a clear error otherwise. */
export async function resolveImage(run: BuildRun, ref: string): Promise<Digest> {
  const id = run.store.resolve(ref) ?? (await missingBase(run, ref));
  if (!id) {
    throw run.err(
      `pull access denied for ${ref.replace(/:[^/:]*$/, "")}: the image is not in the store (${run.store.root ?? "in memory"}) nor built in, and tsbuild does not pull from registries (tsbuild load or tsbuild import it first)`,
    );
  }
  return id;
}

export async function dispatchFrom(run: BuildRun, stage: Stage): Promise<StageState> {
  const ref = expandWithMetaArgs(run, stage.baseName);
  if (!ref) throw run.err("base name (" + stage.baseName + ") should not be blank");
  let state: StageState;
  const named = namedContext(run, ref);
  const parentStage = named ? undefined : findStage(run, ref, stage.index);
  if (named) {
    const id = "image" in named ? await resolveImage(run, named.image) : await directoryImage(run, named.context);
    state = newStageState(stage.index, stage.name, id, await run.imageConfig(id));
  } else if (parentStage) {
    state = newStageState(stage.index, stage.name, parentStage.imageId, parentStage.image);
    state.runConfig = structuredClone(parentStage.runConfig);
  } else if (ref.toLowerCase() === "scratch") {
    state = newStageState(stage.index, stage.name, "", undefined);
  } else {
    const id = await resolveImage(run, ref);
    const config = await run.imageConfig(id);
    const builtin = await builtinNameOf(ref, config);
    if (builtin) run.print(`using built-in simulated image ${builtin}`);
    state = newStageState(stage.index, stage.name, id, config);
  }
  run.stages.set(stage.index, state);
  return state;
}

/**
 * COPY --from=NAME|INDEX|IMAGE: the filesystem to copy from, materialised only when asked, and
 * the layers it is made of (none for a named directory context), which name its content.
 */
export interface FromSource {
  diffIDs?: readonly string[];
  fs(): Promise<RootFS>;
}

/** COPY --from=NAME|INDEX|IMAGE: the source, checked now (Docker's errors), read later. */
export async function resolveFromFlag(run: BuildRun, state: StageState, ref: string): Promise<FromSource> {
  const image = async (id: Digest): Promise<FromSource> => ({ diffIDs: (await run.imageConfig(id)).rootfs.diff_ids, fs: () => run.imageFs(id) });
  const named = namedContext(run, ref);
  if (named) {
    if ("image" in named) return image(await resolveImage(run, named.image));
    return { fs: async () => contextFs(run, named.context) };
  }
  const stage = findStage(run, ref, state.index);
  if (stage) {
    if (stage === state) throw run.err(`invalid from flag value ${ref}: a stage can't copy from itself`);
    return { diffIDs: [...(stage.image?.rootfs.diff_ids ?? [])], fs: () => run.sandbox(stage) };
  }
  if (/^\d+$/.test(ref)) throw run.err(`invalid from flag value ${ref}: index out of bounds`);
  const id = run.store.resolve(ref) ?? (await missingBase(run, ref));
  if (!id) throw run.err(`invalid from flag value ${ref}: no stage or image of that name (tsbuild does not pull from registries)`);
  return image(id);
}

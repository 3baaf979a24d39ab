import { ShellLex, type Instruction, type Stage } from "@tsbuild/parser";
import { familiarString, parseNamed, type Digest, type NamedRef } from "@tsbuild/image";
import type { BuildRun } from "../builder.js";
import { BuildError, type BuildResult } from "../options.js";
import { substitutionEnv, type StageState } from "../state.js";
import { expandWithMetaArgs, findStage } from "../dispatch/from.js";
import { buildkitConfig, serializeBuildKitConfig } from "./image.js";
import { implicitStageImages, counter, FILE_OPS, fullReference, neededStages, stageLabel, vertexCount } from "./stages.js";
import { namedContextNames } from "../named-contexts.js";

/** A stage's FROM: its cache key starts from the base image (or the stage it builds on); its FROM vertex is printed. */
export function startBuildKitStage(run: BuildRun, stage: Stage, state: StageState): void {
  const ref = expandWithMetaArgs(run, stage.baseName);
  const parent = namedContextNames(run).has(ref.toLowerCase()) ? undefined : findStage(run, ref, stage.index);
  const fromImage = !parent && ref.toLowerCase() !== "scratch";
  state.bkKey = parent ? parent.bkKey : fromImage ? `image:${state.imageId}` : "scratch";
  state.bkArgsEscaped = parent ? parent.bkArgsEscaped : Boolean(state.image?.config?.ArgsEscaped);
  const implicit = implicitImages(run);
  const pos = { k: 0, m: vertexCount(stage, fromImage), label: stageLabel(run.dockerfile, stage, implicit.all.length) };
  run.bkPosition.set(stage.index, pos);
  if (!fromImage) return;
  let shown = ref;
  try {
    const named = parseNamed(ref);
    shown = fullReference(named.name, named.tag, named.digest);
  } catch {
    // a name Docker could not parse never gets here (resolveImage failed first)
  }
  pos.k++;
  // Stages on the same image share one vertex: printed once, and reported cached when met again.
  const seen = run.bkFromVertices.get(shown);
  if (seen) stageFrom.set(state, seen);
  if (seen) {
    seen.shared = true;
    if (!seen.cached && (run.opts.noCache || run.bkSolving)) {
      run.say(`#${seen.vertex} CACHED`);
      seen.cached = true;
    }
    return;
  }
  const vertex = ++run.bkVertex;
  // The same image as a needed `COPY --from=<image>`: one vertex, mostly named as that implicit
  // stage's, which has no [k/m] (8 of 9 recorded builds, g-29-*; Go's map order decides).
  const merged = implicit.needed.has(shown);
  run.say(merged ? `#${vertex} FROM ${shown}` : `#${vertex} [${pos.label}${counter(pos.k, pos.m)}] FROM ${shown}`);
  const entry = { vertex, cached: false, shared: false };
  run.bkFromVertices.set(shown, entry);
  stageFrom.set(state, entry);
}

/** The images `COPY --from` names: all of them (stage labels), and those of the needed stages as FROM vertices. */
function implicitImages(run: BuildRun): { all: string[]; needed: Set<string> } {
  const known = implicitByRun.get(run);
  if (known) return known;
  const df = run.dockerfile;
  const vertexName = (ref: string) => {
    try {
      const named = parseNamed(ref);
      return fullReference(named.name, named.tag, named.digest);
    } catch {
      return ref;
    }
  };
  const found = {
    all: implicitStageImages(df, df.stages, run.metaArgs),
    needed: new Set(implicitStageImages(df, neededStages(df, run.plan, run.metaArgs, namedContextNames(run)), run.metaArgs).map(vertexName)),
  };
  implicitByRun.set(run, found);
  return found;
}
const implicitByRun = new WeakMap<BuildRun, { all: string[]; needed: Set<string> }>();

type FromVertex = { vertex: number; cached: boolean; shared: boolean };
/** Each stage's FROM vertex (an image), for the CACHED mark its first step's run gives it. */
const stageFrom = new WeakMap<StageState, FromVertex>();

/**
 * A FROM vertex several stages share is reported cached at its second use, once the solver runs
 * anything (always under --no-cache); a build that runs nothing never says so. Recorded from
 * Docker 20.10's BuildKit (b-stages); a vertex used once is never reported cached.
 */
export function markSolving(run: BuildRun, state?: StageState): void {
  // An image a stage's first step runs on is loaded, and reported cached; when that step is a
  // cache hit the image is never loaded and its vertex stays unmarked (recorded, g-19-034, g-17-064).
  const from = state && stageFrom.get(state);
  const pos = state && run.bkPosition.get(state.index);
  if (from && !from.shared && !from.cached && pos?.k === 2) {
    run.say(`#${from.vertex} CACHED`);
    from.cached = true;
  }
  if (run.bkSolving) return;
  run.bkSolving = true;
  for (const e of run.bkFromVertices.values()) {
    if (e.shared && !e.cached) run.say(`#${e.vertex} CACHED`);
    if (e.shared) e.cached = true;
  }
}

/**
 * A file operation's vertex line: BuildKit names it by the instruction's text with the stage's
 * variables substituted (processCmdEnv), the original text when that fails.
 */
export function sayBuildKitStep(run: BuildRun, stage: Stage, state: StageState, ins: Instruction): void {
  if (!FILE_OPS.has(ins.kind)) return;
  const pos = run.bkPosition.get(stage.index)!;
  let text = ins.original;
  try {
    const env = substitutionEnv(state);
    // dispatchRun's lexer keeps quotes (RawQuotes) and an unset $VAR as written (SkipUnsetEnv);
    // the others' remove quotes (`COPY ["a b", "/d"]` is named `COPY [a b, /d]`) and substitute "".
    const lex = new ShellLex(run.dockerfile.escapeChar);
    text = ins.kind === "RUN" ? lex.processWordRawQuotes(ins.original, keepUnset(ins.original, env)) : lex.processWord(ins.original, env);
  } catch {
    // keep the original text, as BuildKit does
  }
  pos.k++;
  const name = `[${pos.label}${counter(pos.k, pos.m)}] ${text}`;
  run.bkLastVertex = { vertex: ++run.bkVertex, name };
  run.say(`#${run.bkVertex} ${name}`);
}

/** The exporter: one image for the target, no parent, the cache entries in its build record. */
export async function finishBuildKit(run: BuildRun, state: StageState, tagRefs: NamedRef[]): Promise<BuildResult> {
  if (!state.image) throw new BuildError("No image was generated. Is your Dockerfile empty?", 1);
  const config = { ...state.image, config: buildkitConfig(state.runConfig, state.bkArgsEscaped), created: run.clock.timestamp() };
  const id: Digest = await run.store.putImage(serializeBuildKitConfig(config));
  const last = run.steps[run.steps.length - 1];
  await run.store.putBuildRecord(id, {
    dockerfile: run.opts.dockerfileName ?? "Dockerfile",
    line: last?.instruction.startLine ?? 1,
    endLine: last?.instruction.endLine ?? 1,
    text: last?.text ?? "",
    kind: last?.instruction.kind ?? "FROM",
    stage: state.index,
    buildkitCache: run.bkCache.added,
  });
  run.say(`#${++run.bkVertex} exporting to image`);
  const tags: string[] = [];
  for (const [i, ref] of tagRefs.entries()) {
    const full = familiarString(ref);
    await run.store.tag(full, id);
    tags.push(full);
    run.say(`#${run.bkVertex} naming to ${namingText(run.opts.tags?.[i], ref)} done`);
  }
  return { imageId: id, steps: run.steps, records: run.records, tags, warnings: run.warnings };
}

/** SkipUnsetEnv: a variable the stage does not define is shown as written ($HOME stays $HOME). */
function keepUnset(text: string, env: Map<string, string>): Map<string, string> {
  const out = new Map(env);
  // Special and positional parameters ($?, $@, $1) are never set, so they stay too (recorded, b-ro-bind).
  for (const m of text.matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?\-$!])\}|([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?\-$!]))/g)) {
    const name = m[1] ?? m[2];
    if (!out.has(name)) out.set(name, m[0]);
  }
  return out;
}

/** The exporter names the image as -t gave it, normalized but without a default tag (`-t foo` → docker.io/library/foo). */
function namingText(given: string | undefined, ref: NamedRef): string {
  let named: NamedRef = ref;
  try {
    if (given !== undefined) named = parseNamed(given);
  } catch {
    // validated before the build; keep the normalized one
  }
  return fullReference(named.name, named.tag, named.digest, null);
}

import { parseDockerfile, parseTrigger, DockerfileParseError, type Dockerfile, type Instruction, type InstructionOf, type Stage } from "@tsbuild/parser";
import { buildkitFrontend } from "./buildkit/syntax.js";
import { familiarString, parseNamed, shortId, withDefaultTag, type NamedRef } from "@tsbuild/image";
import { BuildRun } from "./builder.js";
import { BuildError, type BuildOptions, type BuildResult, type StepRecord } from "./options.js";
import { dispatched, plan } from "./dispatch/table.js";
import { dispatchFrom, expandWithMetaArgs } from "./dispatch/from.js";
import { printImageId } from "./commit.js";
import { runStep } from "./run-step.js";
import { StepError, type Step } from "./step.js";
import type { StageState } from "./state.js";
import { neededStages } from "./buildkit/stages.js";
import { finishBuildKit, sayBuildKitStep, startBuildKitStage } from "./buildkit/execute.js";
import { sayBuildKitFailure } from "./buildkit/error-vertices.js";
import { namedContextNames } from "./named-contexts.js";

/** Docker's classic builder, step by step (moby builder/dockerfile/builder.go dispatchFromDockerfile). */
export async function build(opts: BuildOptions): Promise<BuildResult> {
  const tags = (opts.tags ?? []).map(checkTag);
  const dockerfile = parse(opts);
  const plan = selectStages(dockerfile, opts.target);
  const total = dockerfile.metaArgs.length + plan.reduce((n, s) => n + 1 + s.instructions.length, 0);
  // The build runs on the locked store, so what it writes (and a base pulled for it) reuses the lock.
  // A build says when a step is about to change the filesystem (runStep): a cached build ends
  // without the lock's refresher thread.
  return opts.store.withLock((store) => execute(new BuildRun({ ...opts, store }, dockerfile, plan, total), tags), { refreshOnDemand: true });
}

/** Tags are checked before anything is built, as the CLI and the daemon do (sanitizeRepoAndTags). */
function checkTag(t: string): NamedRef {
  let named: NamedRef;
  try {
    named = parseNamed(t);
  } catch (e) {
    throw new BuildError(`invalid argument ${JSON.stringify(t)} for "-t, --tag" flag: ${(e as Error).message}`, 125);
  }
  if (named.digest !== undefined) throw new BuildError("build tag cannot contain a digest", 1);
  return withDefaultTag(named);
}

function parse(opts: BuildOptions): Dockerfile {
  const text = opts.dockerfileText ?? opts.context.dockerfileText();
  let df: Dockerfile;
  try {
    df = parseDockerfile(text, { frontend: opts.buildkit ? buildkitFrontend : "classic" });
  } catch (e) {
    // BuildKit reports the frontend's parse errors through the solver (recorded, b-builtin-*).
    if (e instanceof DockerfileParseError) throw new BuildError(opts.buildkit ? `failed to solve with frontend dockerfile.v0: failed to create LLB definition: ${e.message}` : e.message, 1);
    throw e;
  }
  if (df.stages.length === 0) throw new BuildError("no build stage in current context", 1);
  return df;
}

function selectStages(df: Dockerfile, target?: string): Stage[] {
  if (!target) return df.stages;
  const i = df.stages.findIndex((s) => s.name?.toLowerCase() === target.toLowerCase());
  if (i < 0) throw new BuildError(`failed to reach build target ${target} in Dockerfile`, 1);
  return df.stages.slice(0, i + 1);
}

async function execute(run: BuildRun, tagRefs: NamedRef[]): Promise<BuildResult> {
  if (run.dockerfile.warnings.length) run.printStderr(run.dockerfile.warnings.join("\n") + "\n");
  let n = 0;
  const begin = (ins: Instruction, stage: number): Step => {
    const record: StepRecord = { step: ++n, of: run.totalSteps, text: ins.original, stage, instruction: ins, cached: false };
    run.steps.push(record);
    run.print(`Step ${record.step}/${record.of} : ${record.text}`);
    return { record, line: ins, instruction: ins, trigger: false };
  };

  for (const ins of run.dockerfile.metaArgs) {
    const step = begin(ins, -1);
    await located(run, step, async () => {
      for (const p of ins.pairs ?? []) {
        const dflt = p.value === null || p.value === undefined ? undefined : expandWithMetaArgs(run, p.value);
        run.metaArgs.set(p.key, run.opts.buildArgs?.[p.key] ?? dflt);
        run.consumedArgs.add(p.key);
      }
    });
  }

  let state: StageState | undefined;
  const stages = run.opts.buildkit ? neededStages(run.dockerfile, run.plan, run.metaArgs, namedContextNames(run)) : run.plan;
  for (const stage of stages) {
    const step = begin(stage.from, stage.index);
    state = await located(run, step, async () => {
      const s = await dispatchFrom(run, stage);
      if (run.opts.buildkit) startBuildKitStage(run, stage, s);
      await runOnBuildTriggers(run, s, step);
      return s;
    });
    step.record.imageId = state.imageId || undefined;
    state.runConfig.Image = state.imageId;
    printImageId(run, state.imageId);
    for (const ins of stage.instructions) {
      const step = begin(ins, stage.index);
      if (run.opts.buildkit) sayBuildKitStep(run, stage, state, ins);
      if (run.opts.buildkit && ins.kind === "CMD") state.bkArgsEscaped = true;
      const current = state;
      await located(run, step, () => dispatch(run, current, step, () => `${ins.kind} is not supported here`)).catch((e: unknown) => {
        if (run.opts.buildkit) sayBuildKitFailure(run, stage, current, ins, unlocated(run, step, (e as Error).message));
        throw e;
      });
      // dispatchState.updateRunConfig: the next step's config names the image it starts from.
      state.runConfig.Image = state.imageId;
      step.record.imageId = state.imageId || undefined;
      printImageId(run, state.imageId);
    }
    run.releaseFinishedStages(stage.index);
  }
  if (run.opts.buildkit && state) return finishBuildKit(run, state, tagRefs);
  if (!state || !state.imageId) throw new BuildError("No image was generated. Is your Dockerfile empty?", 1);

  const unused = Object.keys(run.opts.buildArgs ?? {}).filter((k) => !run.consumedArgs.has(k) && !PROXY_ARGS.has(k));
  if (unused.length) {
    const w = `[Warning] One or more build-args [${unused.sort().join(" ")}] were not consumed`;
    run.warnings.push(w);
    run.print(w);
  }
  run.print(`Successfully built ${shortId(state.imageId)}`);
  const tags: string[] = [];
  for (const ref of tagRefs) {
    // The familiar form is both the store's key and what Docker prints: docker.io/library/foo is foo:latest.
    const full = familiarString(ref);
    await run.store.tag(full, state.imageId);
    tags.push(full);
    run.print(`Successfully tagged ${full}`);
  }
  return { imageId: state.imageId, steps: run.steps, records: run.records, tags, warnings: run.warnings };
}

const PROXY_ARGS = new Set(["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"]);

/** A base image's ONBUILD triggers run first, as steps of their own (c27); the child's OnBuild is cleared. */
async function runOnBuildTriggers(run: BuildRun, state: StageState, from: Step): Promise<void> {
  const triggers = state.runConfig.OnBuild ?? [];
  state.runConfig.OnBuild = null;
  if (triggers.length === 0) return;
  run.print(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? "" : "s"}`);
  for (const trigger of triggers) {
    let ins: Instruction;
    try {
      ins = parseTrigger(trigger, { frontend: run.opts.buildkit ? buildkitFrontend(run.dockerfile.syntax) : "classic" });
    } catch (e) {
      throw run.err((e as Error).message);
    }
    await dispatch(run, state, { ...from, instruction: ins, trigger: true }, () => `${ins.kind} isn't allowed as an ONBUILD trigger`);
  }
}

/** The evaluator's dispatch: the instruction's dispatcher says what the step is, runStep does it. */
async function dispatch(run: BuildRun, state: StageState, step: Step, refused: () => string): Promise<void> {
  const ins = step.instruction;
  if (!dispatched(ins.kind)) throw run.err(refused());
  await runStep(run, state, step, await plan(run, state, ins as InstructionOf<typeof ins.kind>));
}

/** A step's failure names the Dockerfile, the line and the instruction (a failed RUN its command and code only). */
/** An error's own words, without the Dockerfile location located() adds. */
function unlocated(run: BuildRun, step: Step, message: string): string {
  const where = ` (${run.dockerfileName}:${step.line.startLine}: ${step.line.original})`;
  return message.endsWith(where) ? message.slice(0, -where.length) : message;
}

async function located<T>(run: BuildRun, step: Step, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    const at = step.line;
    const where = e.located ? ` (${run.dockerfileName}:${at.startLine}: ${at.original})` : "";
    throw new BuildError(e.message + where, e.exitCode, step.record);
  }
}

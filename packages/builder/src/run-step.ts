import { shortId, type ContainerConfig, type HistoryEntry } from "@tsbuild/image";
import type { LayerDiff } from "@tsbuild/fs-snapshot";
import type { BuildRun } from "./builder.js";
import { commitChild, commitInContainer, recordBuildKitMetadata } from "./commit.js";
import { stepKey } from "./buildkit/cache.js";
import { HISTORY_COMMENT, withStep } from "./buildkit/image.js";
import { markSolving } from "./buildkit/execute.js";
import { copyConfig, shellOf, type StageState } from "./state.js";
import { cachedRecord } from "./record.js";
import type { BuildKitStep, FileStep, Step, StepPlan } from "./step.js";

/**
 * The one step pipeline (moby's dispatch + internals.go commit/performCopy/probeCache): the cache,
 * the sandbox, the change, the commit and the step's record, for every instruction.
 */
export async function runStep(run: BuildRun, state: StageState, step: Step, plan: StepPlan): Promise<void> {
  if (plan.metadata !== undefined) {
    if (run.opts.buildkit) return recordBuildKitMetadata(run, state, plan.metadata);
    const probe = copyConfig(state.runConfig);
    probe.Cmd = [...shellOf(state), "#(nop) ", plan.metadata];
    if (await fromCache(run, state, step, probe)) return;
    await commitInContainer(run, state, step, probe);
    return;
  }
  if (await fromCache(run, state, step, plan.probe, plan.buildkit, plan.sources)) return;
  // From here the main thread may be busy for long (materialising the base, a RUN's applets).
  run.opts.store.keepLockFresh();
  await plan.prepare?.();
  const fs = await run.sandbox(state);
  let containerId = "";
  if (plan.container === "run") {
    containerId = run.clock.containerId((plan.probe.Cmd ?? []).join(" "));
    run.print(` ---> Running in ${containerId.slice(0, 12)}`);
  }
  fs.beginStep();
  try {
    await plan.change(fs, containerId);
  } catch (e) {
    fs.abortStep();
    throw e;
  }
  const diff = await fs.commitStep({ mtime: run.clock.date() });
  await commit(run, state, step, plan, diff, containerId);
}

async function commit(run: BuildRun, state: StageState, step: Step, plan: FileStep, diff: LayerDiff, containerId: string): Promise<void> {
  if (plan.container === "commit") return commitInContainer(run, state, step, plan.probe, diff);
  if (plan.container === "run") run.print(`Removing intermediate container ${containerId.slice(0, 12)}`);
  await commitChild(run, state, step, { containerConfig: plan.probe, containerId: containerId || undefined, diff, sources: plan.sources });
}

/**
 * The classic builder's probeCache over the ImageCache: the first miss in a stage busts the cache
 * for the rest of it, and says (once) what differed from the nearest earlier build of the step.
 */
async function fromCache(
  run: BuildRun,
  state: StageState,
  step: Step,
  probe: ContainerConfig,
  bk?: BuildKitStep,
  sources?: Record<string, string>,
): Promise<boolean> {
  if (run.opts.buildkit) return fromBuildKitCache(run, state, step, probe, bk);
  if (run.opts.noCache || state.cacheBusted) return false;
  const answer = await run.cache.find(state.imageId || undefined, probe, {
    kind: step.instruction.kind,
    text: step.instruction.original,
    dockerfile: run.dockerfileName,
    line: step.line.startLine,
    sources,
  });
  if (answer.hit === undefined) {
    state.cacheBusted = true;
    step.record.cacheMiss = { candidate: answer.candidate, differences: answer.differences };
    // Docker is silent here; one line at the first miss says what to look at.
    if (answer.candidate) run.print(` ---> Cache miss (vs ${shortId(answer.candidate)}): ${answer.differences.join("; ")}`);
    return false;
  }
  run.print(" ---> Using cache");
  state.imageId = answer.hit;
  state.image = answer.config;
  step.record.cached = true;
  const record = cachedRecord(run, step, answer.hit);
  if (record) run.records.set(answer.hit, record);
  return true;
}

/**
 * BuildKit's cache: the step's key chains the stage's key with the step's command, config and
 * content; a hit takes the layers that key produced, whichever build made them.
 */
async function fromBuildKitCache(run: BuildRun, state: StageState, step: Step, probe: ContainerConfig, bk: BuildKitStep | undefined): Promise<boolean> {
  const text = bk?.text ?? (probe.Cmd ?? []).join(" ");
  const key = stepKey(state.bkKey ?? "", { cmd: probe.Cmd, env: probe.Env, user: probe.User, workdir: probe.WorkingDir, parts: bk?.parts ?? null });
  state.bkPending = { key, text };
  const hit = run.opts.noCache ? undefined : run.bkCache.find(key);
  if (!hit) {
    markSolving(run, state);
    return false;
  }
  run.say(`#${run.bkVertex} CACHED`);
  const before = state.image?.rootfs.diff_ids ?? [];
  const entry: HistoryEntry = { created: run.clock.timestamp(), created_by: text, comment: HISTORY_COMMENT };
  if (hit.length === before.length) entry.empty_layer = true;
  state.image = withStep(state.image, hit, entry, state.runConfig);
  state.bkKey = key;
  step.record.cached = true;
  return true;
}

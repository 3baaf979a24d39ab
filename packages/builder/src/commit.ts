import {
  chainIDs,
  serializeConfig,
  shortId,
  type ContainerConfig,
  type Digest,
  type HistoryEntry,
  type ImageConfigFile,
} from "@tsbuild/image";
import type { LayerDiff } from "@tsbuild/fs-snapshot";
import type { BuildRun } from "./builder.js";
import { configDifferences } from "./cache.js";
import { missReasons, sameInstruction } from "./cache-miss.js";
import { recordFor } from "./record.js";
import { stepKey } from "./buildkit/cache.js";
import { buildkitHistoryText, HISTORY_COMMENT, withStep, writesHistory } from "./buildkit/image.js";
import { markSolving } from "./buildkit/execute.js";
import { copyConfig, type StageState } from "./state.js";

export const DOCKER_VERSION = "20.10.24";

/**
 * The classic builder's probeCache: a hit is a child of the current image (or, for FROM scratch,
 * an image without parent) whose container config matches; the newest wins. The first miss in a
 * stage busts the cache for the rest of it.
 */
export async function probeCache(run: BuildRun, state: StageState, probe: ContainerConfig, bk?: BuildKitStep): Promise<boolean> {
  if (run.opts.buildkit) return probeBuildKit(run, state, probe, bk);
  if (run.opts.noCache || state.cacheBusted) return false;
  let best: { id: Digest; created: string; config: ImageConfigFile } | undefined;
  let nearest: { id: Digest; diffs: string[]; config: ContainerConfig } | undefined;
  for (const id of run.store.childrenOf(state.imageId || undefined)) {
    const cfg = await run.imageConfig(id);
    if (!cfg.container_config) continue;
    // SOURCE_DATE_EPOCH promises the IDs a fresh store gives: an image made at another time is not one of them.
    if (run.clock.reproducible && (cfg.created !== run.clock.timestamp() || cfg.container !== undefined)) continue;
    const diffs = configDifferences(probe, cfg.container_config);
    if (diffs.length === 0) {
      if (!best || cfg.created > best.created) best = { id, created: cfg.created, config: cfg };
    } else if ((!nearest || diffs.length < nearest.diffs.length) && sameStep(run, probe, cfg.container_config, id)) {
      nearest = { id, diffs, config: cfg.container_config };
    }
  }
  if (run.opts.cacheFrom) {
    const id = await run.opts.cacheFrom.get(state.imageId || undefined, probe, best?.id);
    best = id ? { id, created: "", config: await run.imageConfig(id) } : undefined;
  }
  if (!best) {
    state.cacheBusted = true;
    const differences = nearest
      ? missReasons(probe, nearest.config, run.store.getBuildRecord(nearest.id), run.stepSources)
      : ["no earlier build of this step from the same parent image"];
    if (run.current) run.current.cacheMiss = { candidate: nearest?.id, differences };
    // Docker is silent here; one line at the first miss says what to look at.
    if (nearest) run.print(` ---> Cache miss (vs ${shortId(nearest.id)}): ${differences.join("; ")}`);
    return false;
  }
  run.print(" ---> Using cache");
  state.imageId = best.id;
  state.image = best.config;
  if (run.current) run.current.cached = true;
  return true;
}

/**
 * Whether a child of the same parent is an earlier build of this step (so that saying why it was
 * not reused helps): built from the same Dockerfile line or the same instruction text, or, with no
 * build record, the same instruction with other sources or build args. Images that merely share
 * the base (another Dockerfile's CMD) are not.
 */
function sameStep(run: BuildRun, probe: ContainerConfig, candidate: ContainerConfig, id: Digest): boolean {
  const record = run.store.getBuildRecord(id);
  const at = run.current?.instruction;
  if (record && at) {
    const ins = run.trigger ?? at;
    return record.kind === ins.kind && (record.text === ins.original || (record.dockerfile === (run.opts.dockerfileName ?? "Dockerfile") && record.line === at.startLine));
  }
  return sameInstruction(probe.Cmd ?? [], candidate.Cmd ?? []);
}

/** What BuildKit mode needs of a file step: its history text and what else goes into its cache key. */
export interface BuildKitStep {
  text: string;
  parts?: unknown;
}

/**
 * BuildKit's cache: the step's key chains the stage's key with the step's command, config and
 * content; a hit takes the layers that key produced, whichever build made them.
 */
async function probeBuildKit(run: BuildRun, state: StageState, probe: ContainerConfig, bk: BuildKitStep | undefined): Promise<boolean> {
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
  if (run.current) run.current.cached = true;
  return true;
}

/** BuildKit mode's commit: the stage's config and layers move on in memory; no image is written. */
async function commitBuildKit(run: BuildRun, state: StageState, diffIDs: Digest[], empty: boolean, created: string): Promise<void> {
  const pending = state.bkPending;
  if (!pending) throw new Error("BuildKit step committed without a cache probe");
  const entry: HistoryEntry = { created, created_by: pending.text, comment: HISTORY_COMMENT };
  if (empty) entry.empty_layer = true;
  state.image = withStep(state.image, diffIDs, entry, state.runConfig);
  state.bkKey = pending.key;
  state.bkPending = undefined;
  run.bkCache.add(pending.key, diffIDs);
}

/** BuildKit mode's metadata instructions: a history entry without a layer, nothing cached. */
function recordBuildKitMetadata(run: BuildRun, state: StageState, text: string): void {
  const entry: HistoryEntry = { created: run.clock.timestamp(), created_by: buildkitHistoryText(text), comment: HISTORY_COMMENT, empty_layer: true };
  state.image = withStep(state.image, [...(state.image?.rootfs.diff_ids ?? [])], writesHistory(text) ? entry : null, state.runConfig);
}

export interface ChildImage {
  containerConfig: ContainerConfig;
  /** The step's layer; an empty diff is recorded as an empty_layer history entry. */
  diff?: LayerDiff;
  /** Metadata and RUN steps run in a (simulated) container; COPY/ADD don't. */
  containerId?: string;
}

/** image.NewChildImage + the image store's Create/SetParent: commits the step as an image. */
export async function commitChild(run: BuildRun, state: StageState, child: ChildImage): Promise<Digest> {
  const parent = state.image;
  const created = run.clock.timestamp();
  // BuildKit exports a layer for every file operation, an empty one included (recorded, g-13-*).
  const empty = run.opts.buildkit ? !child.diff : !child.diff || child.diff.empty;
  const diffIDs = [...(parent?.rootfs.diff_ids ?? [])];
  let layerDiffID: Digest | undefined;
  if (!empty) {
    const chain = chainIDs(diffIDs);
    // The chunks, not one joined tar: a large layer is never held twice, and the store hashes it once.
    const layer = await run.store.putLayer(child.diff!.tarChunks(), chain.length ? chain[chain.length - 1] : null, { builtHere: true, payloadSize: run.opts.buildkit === true });
    layerDiffID = await layer.diffID();
    diffIDs.push(layerDiffID);
  }
  if (run.opts.buildkit) {
    await commitBuildKit(run, state, diffIDs, empty, created);
    if (state.sandbox && !empty) state.sandbox.diffIDs = diffIDs;
    if (run.current && layerDiffID) run.current.diffID = layerDiffID;
    return state.imageId as Digest;
  }
  const history: HistoryEntry = { created, created_by: (child.containerConfig.Cmd ?? []).join(" ") };
  if (state.maintainer) history.author = state.maintainer;
  if (empty) history.empty_layer = true;
  const config: ImageConfigFile = {
    architecture: parent?.architecture ?? "amd64",
    os: parent?.os ?? "linux",
    config: copyConfig(state.runConfig),
    container: run.clock.reproducible ? undefined : child.containerId,
    container_config: child.containerConfig,
    created,
    docker_version: DOCKER_VERSION,
    author: state.maintainer || undefined,
    history: [...(parent?.history ?? []), history],
    rootfs: { type: "layers", diff_ids: diffIDs },
  };
  if (parent?.variant) config.variant = parent.variant;
  const id = await run.store.putImage(serializeConfig(config), state.imageId || undefined);
  state.imageId = id;
  state.image = config;
  if (state.sandbox && !empty) state.sandbox.diffIDs = diffIDs;
  if (run.current) {
    run.current.imageId = id;
    if (layerDiffID) run.current.diffID = layerDiffID;
  }
  await run.store.putBuildRecord(id, recordFor(run, state));
  return id;
}

/**
 * The classic builder's commit() for metadata instructions: Cmd = SHELL + ["#(nop) ", text]. The
 * daemon's container create fills in Hostname and an empty Labels map on that config, which is
 * why such images carry them in container_config.
 */
export async function commitMetadata(run: BuildRun, state: StageState, text: string, shell: string[]): Promise<void> {
  if (run.opts.buildkit) return recordBuildKitMetadata(run, state, text);
  const probe = copyConfig(state.runConfig);
  probe.Cmd = [...shell, "#(nop) ", text];
  if (await probeCache(run, state, probe)) return;
  await commitInContainer(run, state, probe);
}

/** Commits through a simulated container: prints Docker's container lines around it. */
export async function commitInContainer(run: BuildRun, state: StageState, probe: ContainerConfig, diff?: LayerDiff): Promise<void> {
  const containerId = run.clock.containerId(JSON.stringify(probe.Cmd));
  run.print(` ---> Running in ${containerId.slice(0, 12)}`);
  const cc = copyConfig(probe);
  cc.Hostname = containerId.slice(0, 12);
  cc.Labels = cc.Labels ?? {};
  run.print(`Removing intermediate container ${containerId.slice(0, 12)}`);
  await commitChild(run, state, { containerConfig: run.clock.reproducible ? probe : cc, containerId, diff });
}

export function printImageId(run: BuildRun, id: string): void {
  if (run.opts.buildkit) return;
  run.print(` ---> ${id ? shortId(id) : ""}`);
}

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
import { recordFor } from "./record.js";
import { buildkitHistoryText, HISTORY_COMMENT, withStep, writesHistory } from "./buildkit/image.js";
import type { Step } from "./step.js";
import { copyConfig, type StageState } from "./state.js";

export const DOCKER_VERSION = "20.10.24";

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
export function recordBuildKitMetadata(run: BuildRun, state: StageState, text: string): void {
  const entry: HistoryEntry = { created: run.clock.timestamp(), created_by: buildkitHistoryText(text), comment: HISTORY_COMMENT, empty_layer: true };
  state.image = withStep(state.image, [...(state.image?.rootfs.diff_ids ?? [])], writesHistory(text) ? entry : null, state.runConfig);
}

export interface ChildImage {
  containerConfig: ContainerConfig;
  /** The step's layer; an empty diff is recorded as an empty_layer history entry. */
  diff?: LayerDiff;
  /** Metadata and RUN steps run in a (simulated) container; COPY/ADD don't. */
  containerId?: string;
  /** The context files a COPY/ADD took, for the build record. */
  sources?: Record<string, string>;
}

/** image.NewChildImage + the image store's Create/SetParent: commits the step as an image. */
export async function commitChild(run: BuildRun, state: StageState, step: Step, child: ChildImage): Promise<Digest> {
  const parent = state.image;
  const created = run.clock.timestamp();
  // BuildKit exports a layer for every file operation, an empty one included (recorded, g-13-*).
  const empty = run.opts.buildkit ? !child.diff : !child.diff || child.diff.empty;
  const diffIDs = [...(parent?.rootfs.diff_ids ?? [])];
  let layerDiffID: Digest | undefined;
  if (!empty) {
    const chain = chainIDs(diffIDs);
    // The chunks, not one joined tar: a large layer is never held twice, and the store hashes it once.
    const layer = await run.store.putLayer(child.diff!.tarChunks(), chain.length ? chain[chain.length - 1] : null, { builtHere: true, payloadSize: run.opts.buildkit === true, immutableChunks: true });
    layerDiffID = await layer.diffID();
    diffIDs.push(layerDiffID);
  }
  if (run.opts.buildkit) {
    await commitBuildKit(run, state, diffIDs, empty, created);
    if (state.sandbox && !empty) state.sandbox.diffIDs = diffIDs;
    if (layerDiffID) step.record.diffID = layerDiffID;
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
  step.record.imageId = id;
  if (layerDiffID) step.record.diffID = layerDiffID;
  const record = recordFor(run, state, step, child.sources);
  await run.store.putBuildRecord(id, record);
  run.records.set(id, record);
  return id;
}

/**
 * The classic builder's commit() through a (simulated) container: metadata instructions have
 * Cmd = SHELL + ["#(nop) ", text]. The daemon's container create fills in Hostname and an empty
 * Labels map on that config, which is why such images carry them in container_config.
 */
export async function commitInContainer(run: BuildRun, state: StageState, step: Step, probe: ContainerConfig, diff?: LayerDiff): Promise<void> {
  const containerId = run.clock.containerId(JSON.stringify(probe.Cmd));
  run.print(` ---> Running in ${containerId.slice(0, 12)}`);
  const cc = copyConfig(probe);
  cc.Hostname = containerId.slice(0, 12);
  cc.Labels = cc.Labels ?? {};
  run.print(`Removing intermediate container ${containerId.slice(0, 12)}`);
  await commitChild(run, state, step, { containerConfig: run.clock.reproducible ? probe : cc, containerId, diff });
}

export function printImageId(run: BuildRun, id: string): void {
  if (run.opts.buildkit) return;
  run.print(` ---> ${id ? shortId(id) : ""}`);
}

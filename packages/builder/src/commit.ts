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
import { missReasons } from "./cache-miss.js";
import { recordFor } from "./record.js";
import { copyConfig, type StageState } from "./state.js";

export const DOCKER_VERSION = "20.10.24";

/**
 * The classic builder's probeCache: a hit is a child of the current image (or, for FROM scratch,
 * an image without parent) whose container config matches; the newest wins. The first miss in a
 * stage busts the cache for the rest of it.
 */
export async function probeCache(run: BuildRun, state: StageState, probe: ContainerConfig): Promise<boolean> {
  if (run.opts.noCache || state.cacheBusted) return false;
  let best: { id: Digest; created: string; config: ImageConfigFile } | undefined;
  let nearest: { id: Digest; diffs: string[]; config: ContainerConfig } | undefined;
  for (const id of run.store.childrenOf(state.imageId || undefined)) {
    const cfg = await run.imageConfig(id);
    if (!cfg.container_config) continue;
    const diffs = configDifferences(probe, cfg.container_config);
    if (diffs.length === 0) {
      if (!best || cfg.created > best.created) best = { id, created: cfg.created, config: cfg };
    } else if (!nearest || diffs.length < nearest.diffs.length) {
      nearest = { id, diffs, config: cfg.container_config };
    }
  }
  if (!best) {
    state.cacheBusted = true;
    const differences = nearest
      ? missReasons(probe, nearest.config, run.store.getBuildRecord(nearest.id), run.stepSources)
      : ["no image in the store was built from the previous step"];
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
  const empty = !child.diff || child.diff.empty;
  const diffIDs = [...(parent?.rootfs.diff_ids ?? [])];
  let layerDiffID: Digest | undefined;
  if (!empty) {
    const chain = chainIDs(diffIDs);
    // The chunks, not one joined tar: a large layer is never held twice, and the store hashes it once.
    const layer = await run.store.putLayer(child.diff!.tarChunks(), chain.length ? chain[chain.length - 1] : null, { builtHere: true });
    layerDiffID = await layer.diffID();
    diffIDs.push(layerDiffID);
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
  run.print(` ---> ${id ? shortId(id) : ""}`);
}

import { chainIDs, emptyContainerConfig, orderContainerConfig, type ContainerConfig, type Digest } from "@tsbuild/image";
import type { ImageStore } from "./types.js";

/**
 * What the Docker daemon's image endpoints answer (API 1.41), computed from the store:
 * the CLI's images/history/inspect commands only format these.
 */

interface RawConfig {
  architecture?: string;
  variant?: string;
  os?: string;
  "os.version"?: string;
  author?: string;
  comment?: string;
  config?: Partial<ContainerConfig> | null;
  container?: string;
  container_config?: Partial<ContainerConfig>;
  created?: string;
  docker_version?: string;
  history?: Array<{ created?: string; created_by?: string; comment?: string; empty_layer?: boolean }>;
  rootfs?: { type?: string; diff_ids?: Digest[] };
}

async function rawConfig(store: ImageStore, id: Digest): Promise<RawConfig> {
  const img = store.getImage(id);
  if (!img) throw new Error(`image ${id} is not in the store`);
  return JSON.parse((await img.rawConfig()).toString("utf8")) as RawConfig;
}

function unixSeconds(t: string | undefined): number {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

async function layerSize(store: ImageStore, chainID: Digest): Promise<number> {
  const layer = store.getLayer(chainID);
  if (!layer) throw new Error(`layer ${chainID} does not exist`);
  return layer.size();
}

/** Sum of the layer sizes of the image's chain (Docker's image Size and VirtualSize). */
export async function imageSize(store: ImageStore, id: Digest): Promise<number> {
  let size = 0;
  for (const c of chainIDs((await rawConfig(store, id)).rootfs?.diff_ids ?? [])) size += await layerSize(store, c);
  return size;
}

export interface ImageSummary {
  Id: Digest;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  /** Unix seconds. */
  Created: number;
  Size: number;
}

/**
 * GET /images/json: tagged images, plus untagged ones that are not some image's parent
 * (all untagged ones with `all`), newest first.
 */
export async function imageSummaries(store: ImageStore, opts: { all?: boolean } = {}): Promise<ImageSummary[]> {
  const out: ImageSummary[] = [];
  for (const id of store.listImages()) {
    const tags = store.tagsOf(id);
    const digests = store.digestsOf(id);
    if (tags.length === 0 && digests.length === 0 && !opts.all && store.childrenOf(id).length > 0) continue;
    const cfg = await rawConfig(store, id);
    out.push({
      Id: id,
      ParentId: store.parentOf(id) ?? "",
      RepoTags: tags,
      RepoDigests: digests,
      Created: unixSeconds(cfg.created),
      Size: await imageSize(store, id),
    });
  }
  return out.sort((a, b) => b.Created - a.Created || (a.Id < b.Id ? -1 : 1));
}

export interface HistoryItem {
  Id: string;
  /** Unix seconds. */
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/** GET /images/{name}/history: newest first, IDs filled in along the parent chain. */
export async function imageHistory(store: ImageStore, id: Digest): Promise<HistoryItem[]> {
  const cfg = await rawConfig(store, id);
  const diffIDs = cfg.rootfs?.diff_ids ?? [];
  const chain = chainIDs(diffIDs);
  const items: HistoryItem[] = [];
  let layer = 0;
  for (const h of cfg.history ?? []) {
    let size = 0;
    if (!h.empty_layer) {
      if (layer >= diffIDs.length) throw new Error("too many non-empty layers in History section");
      size = await layerSize(store, chain[layer++]);
    }
    items.unshift({ Id: "<missing>", Created: unixSeconds(h.created), CreatedBy: h.created_by ?? "", Tags: null, Size: size, Comment: h.comment ?? "" });
  }
  let current: Digest | undefined = id;
  for (const item of items) {
    if (!current) break;
    item.Id = current;
    const tags = store.tagsOf(current);
    item.Tags = tags.length ? tags : null;
    current = store.parentOf(current);
    if (current && !store.getImage(current)) break;
  }
  return items;
}

/** GET /images/{name}/json, field for field (types.ImageInspect of API 1.41). */
export async function inspectImage(store: ImageStore, id: Digest): Promise<Record<string, unknown>> {
  const cfg = await rawConfig(store, id);
  const diffIDs = cfg.rootfs?.diff_ids ?? [];
  const chain = chainIDs(diffIDs);
  const size = await imageSize(store, id);
  const goConfig = (c: Partial<ContainerConfig> | null | undefined) => (c ? orderContainerConfig({ ...emptyContainerConfig(), ...c }) : null);
  const out: Record<string, unknown> = {
    Id: id,
    RepoTags: store.tagsOf(id),
    RepoDigests: store.digestsOf(id),
    Parent: store.parentOf(id) ?? "",
    Comment: cfg.comment ?? "",
    Created: cfg.created ?? "0001-01-01T00:00:00Z",
    Container: cfg.container ?? "",
    ContainerConfig: goConfig(cfg.container_config ?? {}),
    DockerVersion: cfg.docker_version ?? "",
    Author: cfg.author ?? "",
    Config: goConfig(cfg.config),
    Architecture: cfg.architecture ?? "",
  };
  if (cfg.variant) out.Variant = cfg.variant;
  out.Os = cfg.os ?? "";
  if (cfg["os.version"]) out.OsVersion = cfg["os.version"];
  out.Size = size;
  out.VirtualSize = size;
  out.GraphDriver = store.graphDriver(chain[chain.length - 1]);
  out.RootFS = { Type: cfg.rootfs?.type ?? "layers", ...(diffIDs.length ? { Layers: diffIDs } : {}) };
  out.Metadata = { LastTagTime: store.lastTagTime(id) ?? "0001-01-01T00:00:00Z" };
  return out;
}

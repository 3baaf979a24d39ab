import {
  emptyContainerConfig, serializeConfig, type ContainerConfig, type Digest, type HistoryEntry, type ImageConfigFile,
} from "@tsbuild/image";
import { DOCKER_VERSION } from "../version.js";
import type { ImageStore } from "../types.js";

function sameHistory(a: HistoryEntry, b: HistoryEntry): boolean {
  const norm = (h: HistoryEntry) => JSON.stringify([h.created ?? "", h.created_by ?? "", h.author ?? "", h.comment ?? "", Boolean(h.empty_layer)]);
  return norm(a) === norm(b);
}

/** moby isValidParent: the parent's history and layers are a strict prefix of the target's. */
function isValidParent(target: ImageConfigFile, parent: ImageConfigFile | undefined): boolean {
  const th = target.history ?? [];
  if (th.length === 0) return false;
  const ph = parent?.history ?? [];
  const pd = parent?.rootfs.diff_ids ?? [];
  if (!parent || (ph.length === 0 && pd.length === 0)) return true;
  if (ph.length >= th.length || pd.length > target.rootfs.diff_ids.length) return false;
  return ph.every((h, i) => sameHistory(h, th[i])) && pd.every((d, i) => d === target.rootfs.diff_ids[i]);
}

/** moby getLayerForHistoryIndex: the diffID the history entry at index added, if any. */
function layerForHistoryIndex(img: ImageConfigFile, index: number): Digest | undefined {
  let layer = 0;
  for (const [i, h] of (img.history ?? []).entries()) {
    if (i === index) return h.empty_layer ? undefined : img.rootfs.diff_ids[layer];
    if (!h.empty_layer) layer++;
  }
  return undefined;
}

/**
 * The classic builder's `--cache-from` (moby daemon/images/cache.go ImageCache, Docker 20.10):
 * a step is served from a source image (typically pulled from a registry, so without parent
 * links) when the parent's history and layers are a prefix of the source's and the step's Cmd,
 * joined by spaces, is the next history entry's created_by. The intermediate image is restored
 * as dockerd restores it (the probe as `config`, the source's history entry, its layer), so the
 * IDs are dockerd's; the source's own last step returns the source itself, its parent set.
 */
export class CacheFromSources {
  private sources?: Array<{ id: Digest; config: ImageConfigFile }>;

  constructor(private readonly store: ImageStore, private readonly sourceIDs: Digest[], private readonly dockerVersion = DOCKER_VERSION) {}

  /** The sources' configs, read once; names that are not images are left out, as Docker does. */
  private async load(): Promise<Array<{ id: Digest; config: ImageConfigFile }>> {
    if (!this.sources) {
      const out: Array<{ id: Digest; config: ImageConfigFile }> = [];
      for (const id of this.sourceIDs) {
        const img = this.store.getImage(id);
        if (img) out.push({ id, config: await img.config() });
      }
      this.sources = out;
    }
    return this.sources;
  }

  /** Whether `ancestor` is on id's parent chain (moby isParent: strictly above id). */
  private isAncestor(id: Digest, ancestor: Digest): boolean {
    for (let p = this.store.parentOf(id); p; p = this.store.parentOf(p)) if (p === ancestor) return true;
    return false;
  }

  /**
   * The image for this step, or undefined. `localHit` is what the ordinary local cache found;
   * with sources given, Docker only takes it when it is an ancestor of a source. `locked` is the
   * store as the caller's withLock handed it (a build holds the lock), written through instead
   * of taking the lock again.
   */
  async get(parentID: Digest | undefined, probe: ContainerConfig, localHit?: Digest, locked?: ImageStore): Promise<Digest | undefined> {
    const sources = await this.load();
    if (localHit && sources.some((s) => this.isAncestor(s.id, localHit))) return localHit;
    const parent = parentID ? (JSON.parse((await this.store.getImage(parentID)!.rawConfig()).toString("utf8")) as ImageConfigFile) : undefined;
    const lenHistory = parent?.history?.length ?? 0;
    const cmd = (probe.Cmd ?? []).join(" ");
    for (const target of sources) {
      const entry = target.config.history?.[lenHistory];
      if (!entry || !isValidParent(target.config, parent) || (entry.created_by ?? "") !== cmd) continue;
      return (locked ?? this.store).withLock(async (store) => {
        if ((target.config.history?.length ?? 0) - 1 === lenHistory) {
          if (parentID) await store.putImage((await this.store.getImage(target.id)!.rawConfig()), parentID);
          return target.id;
        }
        const history = [...(parent?.history ?? []), entry];
        const diffIDs = [...(parent?.rootfs.diff_ids ?? [])];
        const layer = layerForHistoryIndex(target.config, lenHistory);
        if (layer) diffIDs.push(layer);
        const config: ImageConfigFile = {
          architecture: target.config.architecture,
          os: target.config.os,
          ...(target.config.author ? { author: target.config.author } : {}),
          config: probe,
          container_config: emptyContainerConfig(),
          created: entry.created ?? "0001-01-01T00:00:00Z",
          docker_version: this.dockerVersion,
          history,
          rootfs: { type: "layers", diff_ids: diffIDs },
          ...(target.config["os.version"] ? { "os.version": target.config["os.version"] } : {}),
        };
        const id = await store.putImage(serializeConfig(config), parentID);
        // Docker stays with the source it started restoring from.
        this.sources = [target];
        return id;
      });
    }
    return undefined;
  }
}

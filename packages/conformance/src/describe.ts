import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chainIDs, hexOf, type Digest, type LayerEntry } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";
import { layerEntries } from "@tsbuild/fs-snapshot";

const CONFIG_KEYS = ["Cmd", "Entrypoint", "Env", "WorkingDir", "User", "Labels", "ExposedPorts", "Volumes", "StopSignal", "Healthcheck", "OnBuild", "Shell", "ArgsEscaped"];

export interface ImageDescription {
  architecture: string;
  os: string;
  config: Record<string, unknown>;
  container_cmd: string[] | null;
  history: Array<{ created_by: string; empty_layer?: boolean; comment?: string }>;
  diff_ids: Digest[];
  layers: Array<{ size: number; tar_bytes: number; entries: LayerEntry[] }>;
  size: number;
  parent_chain: Array<{ layers: number; container_cmd: string[] | null; has_parent_file: boolean }>;
}

/**
 * Describes an image the way tools/make-expected.py describes Docker's: read from the store's files
 * on disk (config bytes, layerdb size, metadata parent links), so the store's layout is what is checked.
 */
export async function describeImage(store: ImageStore, root: string, id: Digest): Promise<ImageDescription> {
  const db = join(root, "image", "overlay2");
  const raw = JSON.parse(readFileSync(join(db, "imagedb", "content", "sha256", hexOf(id)), "utf8"));
  const diffIDs: Digest[] = raw.rootfs?.diff_ids ?? [];
  const chains = chainIDs(diffIDs);
  const image = store.getImage(id);
  if (!image) throw new Error(`image ${id} vanished from the store`);
  const layers = [];
  for (const [i, layer] of (await image.layers()).entries()) {
    const size = Number(readFileSync(join(db, "layerdb", "sha256", hexOf(chains[i]), "size"), "utf8").trim());
    const tar = await collect(await layer.open());
    layers.push({ size, tar_bytes: tar.length, entries: await layerEntries(tar) });
  }
  const config: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) if (k in raw.config) config[k] = raw.config[k];
  const history = (raw.history ?? []).map((h: Record<string, unknown>) => {
    const e: { created_by: string; empty_layer?: boolean; comment?: string } = { created_by: (h.created_by as string) ?? "" };
    if (h.empty_layer) e.empty_layer = true;
    if (h.comment) e.comment = h.comment as string;
    return e;
  });
  const chain = [];
  let cur: Digest | undefined = id;
  while (cur) {
    const c = JSON.parse(readFileSync(join(db, "imagedb", "content", "sha256", hexOf(cur)), "utf8"));
    const parentFile = join(db, "imagedb", "metadata", "sha256", hexOf(cur), "parent");
    const hasParent = existsSync(parentFile);
    chain.push({ layers: c.rootfs?.diff_ids?.length ?? 0, container_cmd: c.container_config?.Cmd ?? null, has_parent_file: hasParent });
    cur = hasParent ? (readFileSync(parentFile, "utf8").trim() as Digest) : undefined;
  }
  return {
    architecture: raw.architecture,
    os: raw.os,
    config,
    container_cmd: raw.container_config?.Cmd ?? null,
    history,
    diff_ids: diffIDs,
    layers,
    size: layers.reduce((n, l) => n + l.size, 0),
    parent_chain: chain,
  };
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

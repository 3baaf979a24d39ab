import type { Digest } from "@tsbuild/image";
import type { ImageStore } from "../../src/index.js";
import { makeTar } from "./tar.js";

let counter = 0;

/** A layer with one unique file, so every call makes a new diffID. */
export function uniqueLayer(content = `layer ${++counter} ${Math.random()}`): Buffer {
  return makeTar([{ name: `f${counter}`, data: content }]);
}

/**
 * An image of `layers` on top of `parent`'s layers, as a build step commits one: config with
 * rootfs and history, parent link written.
 */
export async function makeImage(store: ImageStore, opts: { parent?: Digest; layers?: Buffer[]; cmd?: string } = {}): Promise<Digest> {
  const parentConfig = opts.parent ? JSON.parse((await store.getImage(opts.parent)!.rawConfig()).toString()) : undefined;
  const diffIDs: string[] = [...(parentConfig?.rootfs.diff_ids ?? [])];
  const history: unknown[] = [...(parentConfig?.history ?? [])];
  let top = diffIDs.length ? (await store.getImage(opts.parent!)!.layers()).at(-1)!.chainID : null;
  for (const tar of opts.layers ?? [uniqueLayer()]) {
    const layer = await store.putLayer(tar, top);
    top = layer.chainID;
    diffIDs.push(await layer.diffID());
    history.push({ created: "2024-01-02T03:04:05Z", created_by: `step ${++counter}` });
  }
  if (!(opts.layers ?? [1]).length) history.push({ created: "2024-01-02T03:04:05Z", created_by: opts.cmd ?? `meta ${++counter}`, empty_layer: true });
  const config = Buffer.from(JSON.stringify({
    architecture: "amd64", os: "linux", created: "2024-01-02T03:04:05Z",
    config: { Cmd: [opts.cmd ?? `c${counter}`] },
    history, rootfs: { type: "layers", diff_ids: diffIDs },
  }));
  return store.putImage(config, opts.parent);
}

import { readFileSync } from "node:fs";
import { builtinImage } from "@tsbuild/baseimages";
import { serializeConfig, type Digest } from "@tsbuild/image";
import { importTar, type ImageStore } from "@tsbuild/store";

/**
 * Imports each base (a root filesystem tar) under its reference, as `docker import` does,
 * unless the store already has that reference (a store reused across builds keeps its cache).
 */
export async function importBases(store: ImageStore, bases: Record<string, string | Buffer>, created?: Date): Promise<void> {
  for (const [ref, source] of Object.entries(bases)) {
    if (store.resolve(ref)) continue;
    let tar: Buffer;
    try {
      tar = typeof source === "string" ? readFileSync(source) : source;
    } catch (e) {
      throw new Error(`base image ${ref}: cannot read ${source}: ${(e as Error).message}`);
    }
    await importTar(store, tar, { ref, created });
  }
}

/**
 * The builder's resolveMissingBase: a FROM name the store lacks that is a built-in image
 * (busybox, alpine, debian, ubuntu) is put into the store with its own config — as a pull
 * would — and tagged with the name FROM used.
 */
export function builtinResolver(store: ImageStore): (ref: string) => Promise<Digest | undefined> {
  return async (ref) => {
    const image = builtinImage(ref);
    if (!image) return undefined;
    await store.putLayer(image.layerTar(), null, { expectDiffID: image.diffID() });
    const id = await store.putImage(serializeConfig(image.config()));
    await store.tag(ref, id);
    if (ref !== image.ref) await store.tag(image.ref, id);
    return id;
  };
}

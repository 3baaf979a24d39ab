import type { ImageStore } from "@tsbuild/store";
import { describeImage } from "./describe.js";
import type { BuiltImage } from "./types.js";

/**
 * An image already in a store (a reference, a full ID or a unique prefix), described like a
 * build's result; `steps` and `output` are empty and layers carry no instruction, since the
 * store does not keep the Dockerfile.
 */
export async function loadImage(store: ImageStore, ref: string): Promise<BuiltImage> {
  const id = store.resolve(ref);
  if (!id) throw new Error(`No such image: ${ref}`);
  return describeImage(store, id);
}

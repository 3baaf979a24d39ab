import { builtinImage } from "@tsbuild/baseimages";
import { serializeConfig, type Digest, type ImageConfigFile } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";

/**
 * The built-in simulated images (busybox, alpine, debian, ubuntu) answer FROM when the store has no
 * image of that name: imported once, tagged with the name, then used like any other image.
 */
export async function importBuiltin(store: ImageStore, ref: string): Promise<Digest | undefined> {
  const img = builtinImage(ref);
  if (!img) return undefined;
  const config = img.config();
  await store.putLayer(img.layerTar(), null);
  const id = await store.putImage(serializeConfig(config));
  // Tag the name as asked too ("busybox" → busybox:latest), so the next build finds it in the store.
  await store.tag(img.ref, id);
  if (store.resolve(ref) !== id) await store.tag(ref, id);
  return id;
}

/** Whether an image is (still) one of the built-in simulated images. */
export function builtinNameOf(ref: string, config: ImageConfigFile): string | undefined {
  const img = builtinImage(ref);
  if (!img) return undefined;
  const ids = config.rootfs.diff_ids;
  return ids.length === 1 && ids[0] === img.diffID() ? img.ref : undefined;
}

import type { Digest, ImageConfigFile } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";

/**
 * The repositories @tsbuild/baseimages simulates. Checked before that package is loaded: its image
 * specs take longer to load than a cached build takes to run.
 */
const BUILTIN_REPOSITORIES = /^(?:library\/|docker\.io\/(?:library\/)?)?(busybox|alpine|debian|ubuntu)(?:[:@]|$)/;

async function builtinImageFor(ref: string) {
  if (!BUILTIN_REPOSITORIES.test(ref)) return undefined;
  const { builtinImage } = await import("@tsbuild/baseimages");
  return builtinImage(ref);
}

/**
 * The built-in simulated images (busybox, alpine, debian, ubuntu) answer FROM when the store has no
 * image of that name: imported once, tagged with the name, then used like any other image.
 */
export async function importBuiltin(store: ImageStore, ref: string): Promise<Digest | undefined> {
  const img = await builtinImageFor(ref);
  if (!img) return undefined;
  return store.writeImage(img.image(), img.tags(ref));
}

/** Whether an image is (still) one of the built-in simulated images. */
export async function builtinNameOf(ref: string, config: ImageConfigFile): Promise<string | undefined> {
  const ids = config.rootfs.diff_ids;
  if (ids.length !== 1) return undefined;
  const img = await builtinImageFor(ref);
  return img && ids[0] === img.diffID() ? img.ref : undefined;
}

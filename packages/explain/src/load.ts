import type { BuildRecord, Digest } from "@tsbuild/image";
import { describeImageRef, historyRecords, NoSuchImageError, type ImageStore } from "@tsbuild/store";
import { analyzableImage } from "./image.js";
import type { AnalyzableImage } from "./types.js";

export interface LoadOptions {
  /** Records for images the store has none for (e.g. the steps of a build that just ran). */
  recordFor?: (id: Digest) => BuildRecord | undefined;
}

/** An image of the store with its build records (historyRecords), ready for analyzeImage. */
export async function loadImage(store: ImageStore, ref: string, opts: LoadOptions = {}): Promise<AnalyzableImage> {
  const id = store.resolve(ref);
  const image = id ? store.getImage(id) : undefined;
  if (!id || !image) throw new NoSuchImageError(describeImageRef(ref));
  const history = (await image.config()).history ?? [];
  return analyzableImage(image, historyRecords(store, id, history.length, opts.recordFor));
}

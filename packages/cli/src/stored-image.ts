import type { BuildRecord, Digest, Image } from "@tsbuild/image";
import { analyzableImage, explainImage, renderExplanation, type AnalyzableImage, type Analysis, type TextOptions } from "@tsbuild/explain";
import { describeImageRef, historyRecords, NoSuchImageError, type ImageStore } from "@tsbuild/store";

export interface StoredImageOptions {
  /** Records for images the store has none for (e.g. the steps of a build that just ran). */
  recordFor?: (id: Digest) => BuildRecord | undefined;
}

/**
 * An image of the store and the build records of its history entries (historyRecords walks the
 * parent chain): what explain, diff, compare and check take. Explain itself knows no store.
 */
export async function storedImage(
  store: ImageStore,
  ref: string,
  opts: StoredImageOptions = {},
): Promise<{ image: Image; records: Array<BuildRecord | undefined> }> {
  const id = store.resolve(ref);
  const image = id ? store.getImage(id) : undefined;
  if (!id || !image) throw new NoSuchImageError(describeImageRef(ref));
  const history = (await image.config()).history ?? [];
  return { image, records: historyRecords(store, id, history.length, opts.recordFor) };
}

/** A stored image ready for analyzeImage. */
export async function loadImage(store: ImageStore, ref: string, opts: StoredImageOptions = {}): Promise<AnalyzableImage> {
  const { image, records } = await storedImage(store, ref, opts);
  return analyzableImage(image, records);
}

/** `tsbuild build --explain` and the demo: analyse a stored image and write the explanation. */
export async function printExplanation(
  store: ImageStore,
  ref: string,
  write: (text: string) => void,
  opts: TextOptions & StoredImageOptions = {},
): Promise<Analysis> {
  const { image, records } = await storedImage(store, ref, opts);
  const analysis = await explainImage(image, records);
  write(renderExplanation(analysis, opts));
  return analysis;
}

import type { BuildRecord, Digest } from "@tsbuild/image";
import { layerEntries } from "@tsbuild/fs-snapshot";
import { describeImageRef, NoSuchImageError, type ImageStore } from "@tsbuild/store";
import type { AnalyzableImage } from "./types.js";

/** A store that remembers the build step behind each image it committed (added to the store later). */
type RecordingStore = ImageStore & { getBuildRecord?(id: Digest): BuildRecord | undefined };

export interface LoadOptions {
  /** Records for images the store has none for (e.g. the steps of a build that just ran). */
  recordFor?: (id: Digest) => BuildRecord | undefined;
}

/**
 * An image of the store, ready for analyzeImage: its layers' entries are read from their tars
 * when first asked for. Records come from walking the parent chain: history entry i of the final
 * image (N entries) was made by the image N-1-i steps up the chain.
 */
export async function loadImage(store: ImageStore, ref: string, opts: LoadOptions = {}): Promise<AnalyzableImage> {
  const id = store.resolve(ref);
  const image = id ? store.getImage(id) : undefined;
  if (!id || !image) throw new NoSuchImageError(describeImageRef(ref));
  const config = await image.config();
  const stored = await image.layers();
  const layers = await Promise.all(
    stored.map(async (l) => ({
      diffID: await l.diffID(),
      size: await l.size(),
      entries: async () => layerEntries(await readAll(await l.open())),
    })),
  );
  const history = config.history ?? [];
  const records: Array<BuildRecord | undefined> = new Array(history.length).fill(undefined);
  const recording = store as RecordingStore;
  let current: Digest | undefined = id;
  for (let up = 0; up < history.length && current; up++) {
    const record = opts.recordFor?.(current) ?? recording.getBuildRecord?.(current);
    records[history.length - 1 - up] = record;
    current = store.parentOf(current);
  }
  return { id, config, layers, ...(records.some(Boolean) ? { records } : {}) };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

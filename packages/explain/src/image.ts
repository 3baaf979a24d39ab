import { layerEntries, type BuildRecord, type Image, type Layer, type LayerEntry } from "@tsbuild/image";
import { analyzeImage } from "./analyze.js";
import type { AnalyzableImage, Analysis } from "./types.js";

export interface ExplainOptions {
  /** A layer's entries, when the caller keeps them (by diffID, say); default: read from layer.open(). */
  entries?(layer: Layer): Promise<LayerEntry[]>;
}

/**
 * Any Image (stored, built-in, loaded, pulled, just built) and the build records of its history
 * entries, as the analysis reads them: each layer's entries are read from its tar when first asked.
 */
export async function analyzableImage(
  image: Image,
  records?: Array<BuildRecord | undefined>,
  opts: ExplainOptions = {},
): Promise<AnalyzableImage> {
  const [id, config, layers] = await Promise.all([image.id(), image.config(), image.layers()]);
  const entriesOf = opts.entries ?? (async (l: Layer) => layerEntries(await l.open()));
  const described = await Promise.all(
    layers.map(async (l) => ({ diffID: await l.diffID(), size: await l.size(), entries: () => entriesOf(l) })),
  );
  return { id, config, layers: described, ...(records?.some(Boolean) ? { records } : {}) };
}

/** explain's analysis of an Image and its build records. */
export async function explainImage(image: Image, records?: Array<BuildRecord | undefined>, opts: ExplainOptions = {}): Promise<Analysis> {
  return analyzeImage(await analyzableImage(image, records, opts));
}

import type { ImageStore } from "@tsbuild/store";
import { analyzeImage } from "./analyze.js";
import { loadImage, type LoadOptions } from "./load.js";
import { renderExplanation, type TextOptions } from "./render-text.js";
import type { Analysis } from "./types.js";

/**
 * Loads an image of the store, analyses it and writes the explanation: what
 * `tsbuild build --explain` prints after a build. Returns the analysis for callers that want more.
 */
export async function printExplanation(
  store: ImageStore,
  ref: string,
  write: (text: string) => void,
  opts: TextOptions & LoadOptions = {},
): Promise<Analysis> {
  const analysis = await analyzeImage(await loadImage(store, ref, opts));
  write(renderExplanation(analysis, opts));
  return analysis;
}

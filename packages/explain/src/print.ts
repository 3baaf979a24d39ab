import type { BuildRecord, Image } from "@tsbuild/image";
import { explainImage, type ExplainOptions } from "./image.js";
import { renderExplanation, type TextOptions } from "./render-text.js";
import type { Analysis } from "./types.js";

/**
 * Analyses an image (any Image: stored, built-in, loaded, just built) with the build records of
 * its history entries and writes the explanation: what `tsbuild build --explain` prints after a
 * build. Where the image comes from is the caller's business. Returns the analysis for callers that want more.
 */
export async function printExplanation(
  image: Image,
  records: Array<BuildRecord | undefined> | undefined,
  write: (text: string) => void,
  opts: TextOptions & ExplainOptions = {},
): Promise<Analysis> {
  const analysis = await explainImage(image, records, opts);
  write(renderExplanation(analysis, opts));
  return analysis;
}

import { parseBytes } from "../bytes.js";
import { absolutePath, bytesWords, imageName, layerName, layersTouching, pathHistory, withTable } from "./words.js";
import { expectImage, type MatcherContext, type MatcherResult } from "./received.js";

export function toHaveLayerCount(this: MatcherContext, received: unknown, count: number): MatcherResult {
  const image = expectImage("toHaveLayerCount", received);
  if (!Number.isInteger(count) || count < 0) throw new TypeError(`toHaveLayerCount: expected a whole number of layers, got ${count}`);
  const actual = image.layers.length;
  const pass = actual === count;
  return {
    pass,
    actual,
    expected: count,
    message: () =>
      withTable(
        pass
          ? `expected image ${imageName(image)} not to have ${count} layer${count === 1 ? "" : "s"}, but it has`
          : `expected image ${imageName(image)} to have ${count} layer${count === 1 ? "" : "s"}, it has ${actual}:`,
        image,
      ),
  };
}

export function toHaveSizeBelow(this: MatcherContext, received: unknown, limit: number | string): MatcherResult {
  const image = expectImage("toHaveSizeBelow", received);
  const max = parseBytes(limit);
  const pass = image.size < max;
  return {
    pass,
    actual: image.size,
    expected: max,
    message: () =>
      withTable(
        `expected image ${imageName(image)} ${pass ? "not " : ""}to be smaller than ${bytesWords(max)}, it is ${bytesWords(image.size)}:`,
        image,
        largestLayers(image.layers.map((l) => l.size)),
      ),
  };
}

export function toContainFile(this: MatcherContext, received: unknown, path: string): MatcherResult {
  const image = expectImage("toContainFile", received);
  if (typeof path !== "string" || path === "") throw new TypeError(`toContainFile: expected a path, got ${JSON.stringify(path)}`);
  const wanted = absolutePath(path);
  const found = image.file(wanted);
  if (found) {
    const layer = image.layers[found.layer];
    const via = found.path === wanted ? "" : ` (as ${found.path})`;
    const size = found.entry.size === undefined ? "" : ` of ${bytesWords(found.entry.size)}`;
    return {
      pass: true,
      message: () =>
        withTable(
          `expected image ${imageName(image)} not to contain ${wanted}, but it does${via}: a ${found.entry.type}${size} from ${layerName(layer)}`,
          image,
          [found.layer],
        ),
    };
  }
  const story = pathHistory(image, wanted);
  return {
    pass: false,
    message: () =>
      withTable(
        `expected image ${imageName(image)} to contain ${wanted}, it does not` +
          (story.length ? `: ${story.join(", ")}` : " (no layer has it)") + ":",
        image,
        layersTouching(image, wanted),
      ),
  };
}

export function toHaveWastedBytesBelow(this: MatcherContext, received: unknown, limit: number | string): MatcherResult {
  const image = expectImage("toHaveWastedBytesBelow", received);
  const max = parseBytes(limit);
  const { wastedBytes, dive, findings, layers } = image.explain;
  const pass = wastedBytes < max;
  // explain's prose counts layers from 1 ("layer 2"); the table and image.layer(i) from 0.
  const why = findings.length
    ? "\nFindings (layers counted from 1, as `tsbuild explain` counts them):\n" + findings.map((f) => `  - ${f.message}`).join("\n")
    : "";
  return {
    pass,
    actual: wastedBytes,
    expected: max,
    message: () =>
      withTable(
        `expected image ${imageName(image)} ${pass ? "not " : ""}to waste less than ${bytesWords(max)}, it wastes ${bytesWords(wastedBytes)}` +
          ` (bytes in layers that a later layer deletes or overwrites; dive counts ${bytesWords(dive.wastedBytes)})${why}`,
        image,
        layers.filter((l) => l.hiddenBytes > 0).map((l) => l.index),
      ),
  };
}

/** The largest layers (up to 3, non-empty), to point at when the image is too big. */
function largestLayers(sizes: number[]): number[] {
  return sizes
    .map((size, index) => ({ size, index }))
    .filter((l) => l.size > 0)
    .sort((a, b) => b.size - a.size)
    .slice(0, 3)
    .map((l) => l.index);
}

/**
 * Every example of examples/ built in memory and checked with the tsbuild matchers, as a user
 * would check their own images (`import { build } from "tsbuild"; import "tsbuild/vitest"`).
 * matchers-demo has its own test; the apk-split/apk-single pair gets the checks issue 6 asks for.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { build, type BuiltImage } from "tsbuild";
import "tsbuild/vitest";

const examplesDir = join(import.meta.dirname, "..");
const examples = readdirSync(examplesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "matchers-demo" && existsSync(join(examplesDir, d.name, "Dockerfile")))
  .map((d) => d.name)
  .sort();

const images = new Map<string, Promise<BuiltImage>>();
/** Each example is built once per run, however many tests look at it. */
function imageOf(name: string): Promise<BuiltImage> {
  let image = images.get(name);
  if (!image) images.set(name, (image = build({ context: join(examplesDir, name) })));
  return image;
}

describe.runIf(examples.length > 0).each(examples)("examples/%s", (name) => {
  let image: BuiltImage;
  beforeAll(async () => {
    image = await imageOf(name);
  });

  it("has a layer for every history entry that is not an empty layer", () => {
    expect(image).toHaveLayerCount(image.history.filter((h) => !h.empty_layer).length);
  });

  it("ties every layer above the base image to its Dockerfile instruction", () => {
    for (const layer of image.layers.slice(image.explain.baseLayers)) {
      expect(layer.instruction, `layer(${layer.index}) ${layer.createdBy}`).toBeDefined();
    }
  });

  it("shows in its final filesystem what the last layer adds", () => {
    for (const path of image.layer(-1).added) expect(image).toContainFile(path);
    for (const path of image.layer(-1).deleted) expect(image).not.toContainFile(path);
  });
});

const hasApkPair = examples.includes("apk-split") && examples.includes("apk-single");

describe.runIf(hasApkPair)("the apk-del lesson (apk-split vs apk-single)", () => {
  let split: BuiltImage;
  let single: BuiltImage;
  beforeAll(async () => {
    [split, single] = await Promise.all([imageOf("apk-split"), imageOf("apk-single")]);
  });

  it("ends with the same files: the app, and no compiler", () => {
    for (const image of [split, single]) {
      expect(image).toContainFile("/usr/local/bin/app");
      expect(image).not.toContainFile("/usr/bin/gcc");
    }
  });

  it("keeps the compilers in the split image's apk add layer, which its apk del layer only hides", () => {
    expect(split).toHaveLayerCount(4);
    expect(split.layer(1)).toAdd("/usr/bin/gcc");
    expect(split.layer(3)).toDelete("/usr/bin/gcc");
    // By hand: every byte of layer(1) is deleted or overwritten later, so all of it is waste.
    expect(split.explain.layers[1].hiddenBytes).toBe(split.layer(1).size);
    expect(split.explain.findings.some((f) => f.message.includes("Dockerfile:3") && f.message.includes("Dockerfile:5"))).toBe(true);
  });

  it("passes a 1 MB wasted-bytes rule only in one RUN", () => {
    expect(single).toHaveWastedBytesBelow("1MB");
    expect(split).not.toHaveWastedBytesBelow("1MB");
    expect(single).toHaveLayerCount(2);
    expect(split.size - single.size).toBeGreaterThan(split.layer(1).size - 1_000_000);
  });
});

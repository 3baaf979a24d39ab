/**
 * The size of every example image, pinned: its layers, and Docker's image size (their sum).
 * The builds are deterministic given the built-in images, packages and models, so a change in
 * any of them shows up here. examples/README.md quotes these figures.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { build } from "tsbuild";
import "tsbuild/vitest";

/** Each example's layer sizes in bytes, base image first. */
const LAYERS: Record<string, number[]> = {
  "apk-split": [7_401_983, 135_134_919, 10, 13_796],
  "apk-single": [7_401_983, 13_806],
  "apt-split": [74_873_930, 19_856_468, 12_200_204, 0],
  "apt-single": [74_873_930, 12_200_204],
  "node-multistage": [7_401_983, 53_955_817, 0, 4_636_760, 163, 310],
  "cache-ordered": [7_401_983, 63_705_182, 0, 25_204, 8_737_026, 25_694],
  "cache-unordered": [7_401_983, 63_705_182, 0, 25_669, 8_737_026],
};

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe.each(Object.entries(LAYERS))("examples/%s", (name, layers) => {
  it(`has ${layers.length} layers and ${sum(layers).toLocaleString("en-US")} bytes`, async () => {
    const image = await build({ context: join(import.meta.dirname, name) });
    expect(image).toHaveLayerCount(layers.length);
    expect(image.layers.map((l) => l.size)).toEqual(layers);
    expect(image.size).toBe(sum(layers));
  });
});

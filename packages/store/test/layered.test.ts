import { describe, expect, it } from "vitest";
import { memoryStore, memoryStoreOver, openStore } from "../src/index.js";
import { makeImage } from "./helpers/images.js";
import { tempRoot } from "./helpers/paths.js";

describe("a memory store over a read-only one (memoryStoreOver)", () => {
  it("reads the lower store's images and layers, writes only its own", async () => {
    const lower = memoryStore();
    const base = await makeImage(lower);
    await lower.tag("lower-only", base);
    const upper = memoryStoreOver(lower);
    expect(upper.getImage(base)).toBeDefined();
    expect(upper.resolve("lower-only")).toBeUndefined();
    const layers = await upper.getImage(base)!.layers();
    expect(upper.getLayer(layers[0].chainID)).toBeDefined();

    await upper.tag("base", base);
    const child = await makeImage(upper, { parent: base });
    expect(upper.childrenOf(base)).toEqual([child]);
    expect(upper.parentOf(child)).toBe(base);
    expect(lower.getImage(child)).toBeUndefined();
    expect(lower.listLayers().length).toBeLessThan(upper.listLayers().length);
    expect(await upper.fsck()).toEqual([]);

    // Removing everything here hides the lower images; the lower store keeps them.
    await upper.removeImage(child, { prune: false });
    await upper.removeImage("base", {});
    expect(upper.getImage(base)).toBeUndefined();
    expect(upper.listImages()).toEqual([]);
    expect(lower.getImage(base)).toBeDefined();
    expect(lower.resolve("lower-only")).toBe(base);
  });

  it("refuses a store on disk as the lower one", () => {
    expect(() => memoryStoreOver(openStore(tempRoot()))).toThrow(/must be a memory store/);
  });
});

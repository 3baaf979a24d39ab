import { describe, expect, it, vi } from "vitest";
import { memoryStore, openStore, type ImageStore } from "../src/index.js";
import { makeImage } from "./helpers/images.js";
import { tempRoot } from "./helpers/paths.js";

/** The listing childrenOf answered before the index: every image whose parent is `id`. */
function scan(store: ImageStore, id: string | undefined): string[] {
  return store.listImages().filter((c) => store.parentOf(c) === id);
}

for (const [kind, make] of [["disk", () => openStore(tempRoot())], ["memory", () => memoryStore()]] as const) {
  describe(`the parent → children index (${kind} store)`, () => {
    it("follows this process's writes: new images and removals", async () => {
      const store = make();
      const base = await makeImage(store);
      expect(store.childrenOf(base)).toEqual([]);
      const a = await makeImage(store, { parent: base });
      const b = await makeImage(store, { parent: base, layers: [] });
      expect(store.childrenOf(base)).toEqual(scan(store, base));
      expect(store.childrenOf(base).sort()).toEqual([a, b].sort());
      await store.tag("keep", a);
      await store.removeImage(b, { prune: false });
      expect(store.childrenOf(base)).toEqual([a]);
      expect(store.childrenOf(undefined)).toEqual(scan(store, undefined));
      expect(store.childrenOf(a)).toEqual([]);
    });
  });
}

// Issue 17: each commit dropped the index, so every step re-read the parent file of every image
// (a 400-stage build among 5,000 images took minutes). Own writes now update it in place.
describe("the parent → children index on disk, this process's writes", () => {
  it("are applied in place, without listing the images again, and match a fresh scan", async () => {
    const store = openStore(tempRoot());
    const base = await makeImage(store);
    const old = await makeImage(store, { parent: base });
    expect(store.childrenOf(base)).toEqual([old]);
    const backend = (store as unknown as { backend: { imageIDs(): string[] } }).backend;
    const listing = vi.spyOn(backend, "imageIDs");
    const a = await makeImage(store, { parent: base });
    const b = await makeImage(store, { parent: a, layers: [] });
    const c = await makeImage(store, { parent: base, layers: [] });
    await store.tag("keep", a);
    const before = [store.childrenOf(base), store.childrenOf(a), store.childrenOf(undefined)];
    expect(listing).not.toHaveBeenCalled();
    listing.mockRestore();
    expect(before).toEqual([scan(store, base), scan(store, a), scan(store, undefined)]);
    expect(before[0].sort()).toEqual([old, a, c].sort());
    expect(before[1]).toEqual([b]);
    // A removal (which lists images itself) is applied too.
    await store.removeImage(c, { prune: false });
    expect(store.childrenOf(base)).toEqual(scan(store, base));
    expect(store.childrenOf(base).sort()).toEqual([old, a].sort());
  });
});

describe("the parent → children index, two processes on one store", () => {
  it("sees images another store instance wrote after the index was built", async () => {
    const root = tempRoot();
    const mine = openStore(root);
    const theirs = openStore(root);
    const base = await makeImage(mine);
    expect(mine.childrenOf(base)).toEqual([]);
    const child = await makeImage(theirs, { parent: base });
    expect(mine.childrenOf(base)).toEqual([child]);
    expect(mine.childrenOf(undefined)).toEqual([base]);
  });
});

import { describe, expect, it } from "vitest";
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

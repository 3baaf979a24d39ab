import { describe, expect, it, vi } from "vitest";
import { busyboxStore, buildDir, contextDir } from "./helpers.js";

// Issue 17: each step's cache probe read (and verified) the config and build record of every
// child of its parent from the store: a 400-stage build among 5,000 images took minutes.
describe("the cache probe among many images", () => {
  it("reads each child's config and build record once per build", async () => {
    const store = await busyboxStore();
    const children = new Set<unknown>();
    for (let i = 0; i < 12; i++) children.add((await buildDir(store, contextDir({ Dockerfile: `FROM busybox:test\nENV FILL=${i}\n` }))).imageId);
    const configs = vi.spyOn(store, "getImage");
    const records = vi.spyOn(store, "getBuildRecord");
    const stages = Array.from({ length: 6 }, (_, i) => `FROM busybox:test AS s${i}\nENV S=${i}\n`).join("");
    const r = await buildDir(store, contextDir({ Dockerfile: stages }));
    expect(store.getImage(r.imageId)).toBeDefined();
    const count = (calls: unknown[][]) => {
      const n = new Map<unknown, number>();
      for (const [id] of calls) if (children.has(id)) n.set(id, (n.get(id) ?? 0) + 1);
      return Math.max(...n.values());
    };
    // Each of the 6 stages probes the 12 children of busybox: once each, not 6 times.
    expect(configs.mock.calls.filter(([id]) => children.has(id)).length).toBeGreaterThanOrEqual(12);
    expect(count(configs.mock.calls)).toBeLessThan(6);
    expect(count(records.mock.calls)).toBeLessThan(6);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { imageHistory, imageSummaries, importTar, inspectImage, openStore } from "../src/index.js";
import { makeImage } from "./helpers/images.js";
import { busyboxExpected, busyboxTar, tempRoot } from "./helpers/paths.js";

describe("the daemon's image views", () => {
  it("images: tagged and dangling images, intermediate ones only with all", async () => {
    const store = openStore(tempRoot());
    const base = await importTar(store, readFileSync(busyboxTar), { ref: "busybox:1" });
    const mid = await makeImage(store, { parent: base });
    const top = await makeImage(store, { parent: mid, layers: [] });
    const dangling = await makeImage(store);
    await store.tag("app:1", top);
    const ids = (await imageSummaries(store)).map((i) => i.Id).sort();
    expect(ids).toEqual([base, top, dangling].sort());
    expect((await imageSummaries(store, { all: true })).map((i) => i.Id).sort()).toEqual([base, mid, top, dangling].sort());
    const app = (await imageSummaries(store)).find((i) => i.Id === top)!;
    expect(app.RepoTags).toEqual(["app:1"]);
    expect(app.Size).toBe(busyboxExpected().size + (await (await store.getImage(top)!.layers())[1].size()));
  });

  it("history: newest first, sizes per layer, IDs along the parent chain, <missing> beyond it", async () => {
    const store = openStore(tempRoot());
    const base = await importTar(store, readFileSync(busyboxTar), { ref: "busybox:1" });
    const mid = await makeImage(store, { parent: base });
    const top = await makeImage(store, { parent: mid, layers: [], cmd: "CMD sh" });
    const h = await imageHistory(store, top);
    expect(h.map((i) => i.Id)).toEqual([top, mid, base]);
    expect(h[0]).toMatchObject({ CreatedBy: "CMD sh", Size: 0, Tags: null });
    expect(h[2]).toMatchObject({ Comment: "Imported from -", CreatedBy: "", Size: busyboxExpected().size, Tags: ["busybox:1"] });
    const orphan = await makeImage(store, { layers: [] });
    expect((await imageHistory(store, orphan))[0].Id).toBe(orphan);
  });

  it("inspect: Docker's field order and shape", async () => {
    const root = tempRoot();
    const store = openStore(root);
    const base = await importTar(store, readFileSync(busyboxTar), { ref: "busybox:1" });
    const top = await makeImage(store, { parent: base });
    const v = await inspectImage(store, top);
    expect(Object.keys(v)).toEqual([
      "Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container", "ContainerConfig", "DockerVersion",
      "Author", "Config", "Architecture", "Os", "Size", "VirtualSize", "GraphDriver", "RootFS", "Metadata",
    ]);
    expect(v).toMatchObject({ Id: top, Parent: base, RepoTags: [], RepoDigests: [], Metadata: { LastTagTime: "0001-01-01T00:00:00Z" } });
    const gd = v.GraphDriver as { Name: string; Data: Record<string, string> };
    expect(gd.Name).toBe("overlay2");
    expect(Object.keys(gd.Data)).toEqual(["LowerDir", "MergedDir", "UpperDir", "WorkDir"]);
    const [l0, l1] = await store.getImage(top)!.layers();
    expect(gd.Data.LowerDir).toBe(`${root}/overlay2/${l0.cacheID}/diff`);
    expect(gd.Data.UpperDir).toBe(`${root}/overlay2/${l1.cacheID}/diff`);
    expect(Object.keys((v.Config as object))).toContain("Cmd");
    expect((await inspectImage(store, base)).GraphDriver).toMatchObject({ Data: { MergedDir: expect.any(String) } });
  });
});

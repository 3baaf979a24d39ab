import { describe, expect, test } from "vitest";
import { writeTar } from "@tsbuild/archive";
import { emptyContainerConfig, serializeConfig, type BuildRecord, type Digest, type HistoryEntry } from "@tsbuild/image";
import { memoryStore, type ImageStore } from "@tsbuild/store";
import { analyzeImage } from "@tsbuild/explain";
import { loadImage, printExplanation } from "../src/stored-image.js";

const entry = (name: string, size?: number) =>
  size === undefined ? { name, type: "dir" as const, mode: 0o755, uid: 0, gid: 0, mtime: 0 } : { name, type: "file" as const, mode: 0o644, uid: 0, gid: 0, mtime: 0, size };

/** A base image (one layer) and a child that deletes the base's big file: two images, parent-linked. */
async function seed(store: ImageStore): Promise<{ base: Digest; child: Digest }> {
  const l1 = await store.putLayer(writeTar([entry("etc"), entry("etc/big", 5000), entry("etc/small", 7)]), null);
  const l2 = await store.putLayer(writeTar([entry("etc"), { ...entry("etc/.wh.big", 0), mode: 0o600 }]), l1.chainID);
  const d1 = await l1.diffID();
  const d2 = await l2.diffID();
  const config = (history: HistoryEntry[], diffIDs: string[]) =>
    serializeConfig({ architecture: "amd64", os: "linux", created: "2024-01-01T00:00:00Z", config: emptyContainerConfig(), history, rootfs: { type: "layers", diff_ids: diffIDs } });
  const base = await store.putImage(config([{ created_by: "", comment: "Imported from -" }], [d1]));
  const env = await store.putImage(config([{ created_by: "", comment: "Imported from -" }, { created_by: "/bin/sh -c #(nop)  ENV A=1", empty_layer: true }], [d1]), base);
  const child = await store.putImage(
    config([{ created_by: "", comment: "Imported from -" }, { created_by: "/bin/sh -c #(nop)  ENV A=1", empty_layer: true }, { created_by: "/bin/sh -c rm /etc/big" }], [d1, d2]),
    env,
  );
  await store.tag("explain-test/child", child);
  return { base, child };
}

const rm: BuildRecord = { dockerfile: "Dockerfile", line: 3, endLine: 3, text: "RUN rm /etc/big", kind: "RUN", stage: 0 };
const env: BuildRecord = { dockerfile: "Dockerfile", line: 2, endLine: 2, text: "ENV A=1", kind: "ENV", stage: 0 };

describe("loadImage (a stored image for explain)", () => {
  test("reads the layers' entries and sizes from the store", async () => {
    const store = memoryStore();
    const { child } = await seed(store);
    const img = await loadImage(store, "explain-test/child");
    expect(img.id).toBe(child);
    expect(img.layers.map((l) => l.size)).toEqual([5007, 0]);
    expect((await img.layers[1].entries()).map((e) => e.path)).toEqual(["etc", "etc/.wh.big"]);
    expect(img.records).toBeUndefined();
    const a = await analyzeImage(img);
    expect(a.imageId).toBe(child);
    expect(a.wastedBytes).toBe(5000);
    expect(a.layers[1].label).toBe("layer 2 `RUN rm /etc/big`");
  });

  test("records come from walking the parent chain: history entry i ↔ the image N-1-i steps up", async () => {
    const store = memoryStore();
    const { base, child } = await seed(store);
    const env_ = store.parentOf(child)!;
    const byId = new Map<Digest, BuildRecord>([[child, rm], [env_, env]]);
    const recording = Object.assign(Object.create(store) as ImageStore, { getBuildRecord: (id: Digest) => byId.get(id) });
    const img = await loadImage(recording, child);
    expect(img.records).toEqual([undefined, env, rm]);
    expect(store.parentOf(env_)).toBe(base);
    const a = await analyzeImage(img);
    expect(a.layers[1].label).toBe("Dockerfile:3 `RUN rm /etc/big`");
    expect(a.baseLayers).toBe(1);
  });

  test("recordFor (a build that just ran) is used when the store has none", async () => {
    const store = memoryStore();
    const { child } = await seed(store);
    const img = await loadImage(store, child, { recordFor: (id) => (id === child ? rm : undefined) });
    expect(img.records).toEqual([undefined, undefined, rm]);
  });

  test("an unknown image is Docker's error", async () => {
    await expect(loadImage(memoryStore(), "nope:1")).rejects.toThrow("No such image: nope:1");
  });

  test("printExplanation writes the explanation and returns the analysis", async () => {
    const store = memoryStore();
    await seed(store);
    let out = "";
    const a = await printExplanation(store, "explain-test/child", (s) => (out += s), { width: 100 });
    expect(a.wastedBytes).toBe(5000);
    expect(out).toContain("wasted (tsbuild)        5kB (5000 B)");
    expect(out).toContain("deletes 1 path, 5kB that lower layers keep:");
  });
});

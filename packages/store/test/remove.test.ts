import { describe, expect, it } from "vitest";
import { shortId } from "@tsbuild/image";
import { memoryStore, openStore, type ImageStore } from "../src/index.js";
import { makeImage } from "./helpers/images.js";
import { tempRoot } from "./helpers/paths.js";

for (const [kind, make] of [["disk", () => openStore(tempRoot())], ["memory", () => memoryStore()]] as const) {
  describe(`rmi (${kind} store), as the Docker 20.10 daemon`, () => {
    const chainOf = async (store: ImageStore, id: string) => (await store.getImage(id)!.layers()).map((l) => l.chainID);

    it("a tag of an image with another tag only untags", async () => {
      const store = make();
      const id = await makeImage(store);
      await store.tag("a:1", id);
      await store.tag("b:1", id);
      expect(await store.removeImage("a:1")).toEqual(["Untagged: a:1"]);
      expect(store.getImage(id)).toBeDefined();
    });

    it("the last tag deletes the image, its layers, and its untagged parents", async () => {
      const store = make();
      const base = await makeImage(store);
      await store.tag("base:1", base);
      const step1 = await makeImage(store, { parent: base });
      const step2 = await makeImage(store, { parent: step1, layers: [] });
      await store.tag("app", step2);
      const [baseLayer, stepLayer] = await chainOf(store, step2);
      expect(await store.removeImage("app")).toEqual([
        "Untagged: app:latest",
        `Deleted: ${step2}`,
        `Deleted: ${step1}`,
        `Deleted: ${stepLayer}`,
      ]);
      expect(store.getImage(base)).toBeDefined();
      expect(store.getLayer(baseLayer)).toBeDefined();
      expect(store.getLayer(stepLayer)).toBeUndefined();
      expect(await store.fsck()).toEqual([]);
    });

    it("--no-prune keeps the untagged parents", async () => {
      const store = make();
      const base = await makeImage(store);
      const top = await makeImage(store, { parent: base });
      await store.tag("app", top);
      const lines = await store.removeImage("app", { prune: false });
      expect(lines).toEqual(["Untagged: app:latest", `Deleted: ${top}`, expect.stringMatching(/^Deleted: sha256:/)]);
      expect(store.getImage(base)).toBeDefined();
    });

    it("an untagged base left dangling goes with its only child, layers down to the root", async () => {
      const store = make();
      const base = await makeImage(store);
      const top = await makeImage(store, { parent: base });
      await store.tag("app", top);
      const [l0, l1] = await chainOf(store, top);
      expect(await store.removeImage("app")).toEqual([
        "Untagged: app:latest", `Deleted: ${top}`, `Deleted: ${l1}`, `Deleted: ${base}`, `Deleted: ${l0}`,
      ]);
      expect(store.listImages()).toEqual([]);
      expect(store.listLayers()).toEqual([]);
    });

    it("the last tag of an image with children only untags", async () => {
      const store = make();
      const base = await makeImage(store);
      await store.tag("base", base);
      await makeImage(store, { parent: base });
      expect(await store.removeImage("base")).toEqual(["Untagged: base:latest"]);
      expect(store.getImage(base)).toBeDefined();
    });

    it("by ID: refused with children (cannot be forced), or with tags in several repositories (must be forced)", async () => {
      const store = make();
      const base = await makeImage(store);
      const child = await makeImage(store, { parent: base });
      await expect(store.removeImage(base.slice(7, 19))).rejects.toThrow(
        `conflict: unable to delete ${shortId(base)} (cannot be forced) - image has dependent child images`,
      );
      await store.tag("x:1", child);
      await store.tag("y:1", child);
      await expect(store.removeImage(child.slice(7, 19))).rejects.toThrow(
        `conflict: unable to delete ${shortId(child)} (must be forced) - image is referenced in multiple repositories`,
      );
      const lines = await store.removeImage(child.slice(7, 19), { force: true });
      expect(lines.slice(0, 3)).toEqual(["Untagged: x:1", "Untagged: y:1", `Deleted: ${child}`]);
    });

    it("by ID with one tag: untags and deletes; the layer shared with another image stays", async () => {
      const store = make();
      const base = await makeImage(store);
      const other = await makeImage(store, { parent: base });
      const id = await makeImage(store, { parent: base });
      await store.tag("only:1", id);
      const [, own] = await chainOf(store, id);
      expect(await store.removeImage(id)).toEqual(["Untagged: only:1", `Deleted: ${id}`, `Deleted: ${own}`]);
      expect(store.getImage(other)).toBeDefined();
      expect(store.getImage(base)).toBeDefined();
    });

    it("digest references of a repository go with its last tag", async () => {
      const store = make();
      const id = await makeImage(store);
      await store.tag("r:1", id);
      const backend = (store as unknown as { backend: { repositories(): { Repositories: Record<string, Record<string, string>> }; saveRepositories(r: unknown): Promise<void> } }).backend;
      const repos = backend.repositories();
      repos.Repositories.r["r@sha256:" + "c".repeat(64)] = id;
      await backend.saveRepositories(repos);
      await store.tag("keep:1", id);
      expect(await store.removeImage("r:1")).toEqual(["Untagged: r:1", `Untagged: r@sha256:${"c".repeat(64)}`]);
      expect(store.tagsOf(id)).toEqual(["keep:1"]);
    });
  });
}

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../src/index.js";
import { makeImage, uniqueLayer } from "./helpers/images.js";
import { tempRoot } from "./helpers/paths.js";

/*
 * While a process holds the writer lock its disk backend remembers what it read and wrote
 * (disk/session.ts), so a build's commits do not read their own writes back. These tests hold
 * that memory to the disk: what another store instance (another process) did between two locks
 * is seen, and within one lock every write and removal is reflected.
 */
describe("the disk backend's memory while it holds the lock", () => {
  it("sees in the next lock what another process changed after the last one", async () => {
    const root = tempRoot();
    const mine = openStore(root);
    const other = openStore(root);
    const base = await makeImage(other);
    const layer = await other.putLayer(uniqueLayer(), null);
    let gone: string | undefined;
    await mine.withLock(async (locked) => {
      // Looked up (and remembered) under this lock.
      expect(locked.getLayer(layer.chainID)).toBeDefined();
      expect(locked.getImage(base)).toBeDefined();
      gone = await makeImage(locked, { parent: base });
      expect(locked.getImage(gone)).toBeDefined();
      expect(locked.parentOf(gone)).toBe(base);
    });
    // Another process removes what this one saw, and adds an image.
    await other.removeImage(gone!, { prune: false });
    await other.withLock(async (locked) => {
      const backend = (locked as unknown as { backend: { removeLayer(r: unknown): Promise<void>; layer(c: string): unknown } }).backend;
      await backend.removeLayer(backend.layer(layer.chainID));
    });
    const added = await makeImage(other, { parent: base });
    await mine.withLock(async (locked) => {
      expect(locked.getLayer(layer.chainID)).toBeUndefined();
      expect(locked.getImage(gone!)).toBeUndefined();
      expect(locked.parentOf(gone!)).toBeUndefined();
      expect(locked.getImage(added)).toBeDefined();
      expect(locked.parentOf(added)).toBe(base);
      // A commit on top of a layer this lock has not read yet.
      const top = (await locked.getImage(added)!.layers()).at(-1)!.chainID;
      const child = await locked.putLayer(uniqueLayer(), top);
      expect(child.chainID).toBeDefined();
    });
  });

  it("reflects its own writes and removals within one lock", async () => {
    const root = tempRoot();
    const store = openStore(root);
    await store.withLock(async (locked) => {
      const base = await makeImage(locked);
      const child = await makeImage(locked, { parent: base });
      expect(locked.getImage(child)).toBeDefined();
      await locked.putBuildRecord(child, { dockerfile: "Dockerfile", line: 2, instruction: "RUN x" } as never);
      expect(locked.getBuildRecord(child)).toMatchObject({ line: 2 });
      await locked.removeImage(child, { prune: false });
      expect(locked.getImage(child)).toBeUndefined();
      expect(locked.parentOf(child)).toBeUndefined();
      expect(locked.getBuildRecord(child)).toBeUndefined();
      await expect(locked.putBuildRecord(child, {} as never)).rejects.toThrow();
      // The same image again: its metadata directory is made anew.
      const again = await makeImage(locked, { parent: base, layers: [] });
      expect(locked.parentOf(again)).toBe(base);
      expect(readFileSync(join(root, "image/overlay2/imagedb/metadata/sha256", again.slice(7), "parent"), "utf8")).toBe(base);
    });
    expect(await store.fsck()).toEqual([]);
  });

  it("stages a layer in layerdb/tmp with overlay2's modes and leaves nothing there", async () => {
    const root = tempRoot();
    const store = openStore(root);
    const base = await makeImage(store);
    const child = await makeImage(store, { parent: base });
    const layers = await store.getImage(child)!.layers();
    const tmp = join(root, "image/overlay2/layerdb/tmp");
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
    for (const l of layers) {
      const cacheID = readFileSync(join(root, "image/overlay2/layerdb/sha256", l.chainID.slice(7), "cache-id"), "utf8");
      const umask = process.umask(0o022);
      process.umask(umask);
      expect(statSync(join(root, "overlay2", cacheID)).mode & 0o777).toBe(0o755 & ~umask);
      expect(statSync(join(root, "overlay2", cacheID, "diff")).mode & 0o777).toBe(0o755 & ~umask);
      expect(statSync(join(root, "image/overlay2/layerdb/sha256", l.chainID.slice(7))).mode & 0o777).toBe(0o700);
    }
    expect(await store.fsck()).toEqual([]);
  });
});

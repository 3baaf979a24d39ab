import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Writable } from "node:stream";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { importTar, openStore, saveImages, type ImageStore } from "../src/index.js";
import { busyboxTar, tempRoot } from "./helpers/paths.js";

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

// Issue 17: what interrupted writes and tampering leave, and how each is named.
describe("a damaged store", () => {
  let root: string;
  let store: ImageStore;
  let id: string;
  const configFile = () => join(root, "image/overlay2/imagedb/content/sha256", id.slice(7));

  beforeEach(async () => {
    root = tempRoot();
    store = openStore(root);
    id = await importTar(store, readFileSync(busyboxTar), { ref: "busybox:1" });
  });

  it("a tampered config is refused by inspect, FROM and save, naming the file", async () => {
    const good = readFileSync(configFile());
    const cfg = JSON.parse(good.toString("utf8"));
    cfg.config.Env = ["EVIL=1"];
    writeFileSync(configFile(), JSON.stringify(cfg));
    const fresh = openStore(root);
    expect(() => fresh.getImage(id)).toThrow(new RegExp(`its config ${configFile()} hashes to sha256:[0-9a-f]{64}, not to the image ID`));
    await expect(saveImages(fresh, ["busybox:1"], sink())).rejects.toThrow(/not to the image ID/);
    expect((await fresh.fsck()).join("\n")).toMatch(new RegExp(`image ${id}: config hashes to`));
    // Writing the same image again puts the good bytes back.
    await fresh.putImage(good);
    expect(openStore(root).getImage(id)).toBeDefined();
  });

  it("a truncated config is named", async () => {
    writeFileSync(configFile(), readFileSync(configFile()).subarray(0, 20));
    expect(() => openStore(root).getImage(id)).toThrow(configFile());
  });

  it("leftovers of killed writes are removed at the next start, and fsck is clean", async () => {
    const tmp = join(root, "image/overlay2/layerdb/tmp");
    mkdirSync(join(tmp, "write-set-123/driver/diff"), { recursive: true });
    writeFileSync(join(tmp, "write-set-123/driver/diff/big"), Buffer.alloc(4096));
    mkdirSync(join(tmp, "remove-456/layer"), { recursive: true });
    const orphan = join(root, "overlay2", "a".repeat(64));
    mkdirSync(join(orphan, "diff"), { recursive: true });
    const next = openStore(root);
    expect(await next.fsck()).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(orphan)).toBe(false);
  });

  it("fsck --repair removes an unused overlay2 directory even with nothing in tmp", async () => {
    const orphan = join(root, "overlay2", "b".repeat(64));
    mkdirSync(join(orphan, "diff"), { recursive: true });
    const next = openStore(root);
    expect(await next.fsck()).toEqual([`overlay2/${"b".repeat(64)}: not used by any layer`]);
    expect(await next.fsck({ repair: true })).toEqual([`repaired: removed overlay2/${"b".repeat(64)}`]);
    expect(await next.fsck()).toEqual([]);
  });

  it("a corrupt repositories.json is reported with a repair, and fsck --repair sets it aside", async () => {
    const repos = join(root, "image/overlay2/repositories.json");
    writeFileSync(repos, "{\"Repositories\": {");
    const next = openStore(root);
    expect(() => next.resolve("busybox:1")).toThrow(/corrupt .*repositories\.json.*tsbuild fsck --repair/);
    const out = await next.fsck({ repair: true });
    expect(out[0]).toMatch(/^repaired: removed image\/overlay2\/repositories\.json \(unreadable; moved to .*repositories\.json\.corrupt-\d+, tags start empty\)$/);
    expect(next.resolve("busybox:1")).toBeUndefined();
    expect(next.getImage(id)).toBeDefined();
  });

  it("a missing tar-split.json.gz is named when the layer is read, not a stack trace", async () => {
    const layer = (await store.getImage(id)!.layers())[0];
    rmSync(join(root, "image/overlay2/layerdb/sha256", layer.chainID.slice(7), "tar-split.json.gz"));
    const next = openStore(root);
    await expect(saveImages(next, ["busybox:1"], sink())).rejects.toThrow(/tar-split\.json\.gz/);
    await expect(saveImages(next, ["busybox:1"], sink())).rejects.toThrow(/tar-split\.json\.gz is missing: .*run `tsbuild fsck`/);
    expect((await next.fsck()).join("\n")).toMatch(/tar-split\.json\.gz/);
  });
});

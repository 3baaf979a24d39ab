import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tar from "tar-stream";
import { sha256Digest } from "@tsbuild/image";
import { RootFS, type VerifiedLayer } from "@tsbuild/fs-snapshot";
import { openStore, type ImageStore, type StoredLayer } from "@tsbuild/store";

/**
 * A disk store's base is materialised hollow (store/src/disk/hollow-index.ts, fs-snapshot's
 * applyHollowLayer): members from the index beside tar-split (made from tar-split the first time),
 * file bodies referred to in diff/ and read when needed. It must give the tree, and the layer of a
 * step on top (which copies base files up, so reads their bodies), that applying the verified tar
 * gives, for any stack of layers the store takes.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshStore(): { store: ImageStore; root: string } {
  const root = mkdtempSync(join(tmpdir(), "tsbuild-hollow-"));
  dirs.push(root);
  return { store: openStore(root), root };
}

interface Spec {
  name: string;
  type?: "file" | "directory" | "symlink" | "link" | "character-device" | "fifo";
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  linkname?: string;
  content?: string;
  pax?: Record<string, string>;
}

async function makeTar(specs: Spec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  for (const s of specs) {
    const type = s.type ?? "file";
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: s.name, type, mode: s.mode ?? (type === "directory" ? 0o755 : 0o644), uid: s.uid ?? 0, gid: s.gid ?? 0,
        mtime: s.mtime ?? new Date(0), linkname: s.linkname, pax: s.pax,
      };
      pack.entry(header, Buffer.from(s.content ?? ""), (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function listing(rfs: RootFS): string[] {
  const out: string[] = [];
  const groups = new Map<number, string>();
  const walk = (dir: string) => {
    for (const name of rfs.readdir(dir)) {
      const p = (dir === "/" ? "" : dir) + "/" + name;
      const s = rfs.lstat(p);
      if (s.nlink > 1 && s.type !== "dir" && !groups.has(s.ino)) groups.set(s.ino, p);
      const body = s.type === "file" ? sha256Digest(rfs.readFile(p)) : s.type === "symlink" ? rfs.readlink(p) : "";
      const group = s.type !== "dir" && s.nlink > 1 ? groups.get(s.ino) : "";
      out.push([p, s.type, s.mode.toString(8), s.uid, s.gid, s.size, s.mtime.getTime(), s.nlink, s.rdev ?? 0, body, group].join(" "));
      if (s.type === "dir") walk(p);
    }
  };
  walk("/");
  return out;
}

const CLOCK = { defaultMtime: new Date(1_600_000_000_000) };

/** The tree, then a step that copies base files up (chmod, append), removes and adds: its layer's bytes. */
async function outcome(layers: VerifiedLayer[]): Promise<{ tree: string[]; layer: string; diffID: string }> {
  const rfs = new RootFS(CLOCK);
  await rfs.applyVerifiedLayers(layers);
  const tree = listing(rfs);
  rfs.beginStep();
  rfs.writeFile("/step.txt", "1");
  for (const line of tree) {
    const [p, type] = line.split(" ");
    if (type !== "file") continue;
    if (p.endsWith("e")) rfs.chmod(p, 0o600);
    if (p.endsWith("f")) rfs.writeFile(p, "+", { append: true });
  }
  rfs.rm("/c", { recursive: true, force: true });
  const diff = await rfs.commitStep({ mtime: new Date(1_700_000_000_000) });
  return { tree, layer: Buffer.concat([...diff.tarChunks()]).toString("base64"), diffID: diff.diffID };
}

let salt = 0;

/** The stored layers as the builder hands them over: verified buffers only, or hollow too. */
function asVerified(layers: StoredLayer[], diffIDs: string[], how: "chunks" | "hollow"): VerifiedLayer[] {
  const s = `${how} ${salt++} `; // distinct diffIDs: base-memo never hands out a kept copy
  return layers.map((l, i) => ({
    diffID: s + diffIDs[i],
    open: () => l.open(),
    chunks: (max: number) => l.chunks!(max),
    ...(how === "hollow" ? { hollow: () => l.hollow!() } : {}),
  }));
}

async function storedStack(store: ImageStore, tars: Buffer[]): Promise<StoredLayer[] | undefined> {
  const out: StoredLayer[] = [];
  let parent: string | null = null;
  for (const t of tars) {
    try {
      const l = await store.withLock((s) => s.putLayer(t, parent as never));
      out.push(l);
      parent = l.chainID;
    } catch {
      return undefined; // a stack the store refuses (a member beneath a symlink, a dangling hard link)
    }
  }
  return out;
}

const dirName = fc.constantFrom("a", "b", "c");
const fileName = fc.constantFrom("e", "f", "ef");
const dirPath = fc.array(dirName, { minLength: 0, maxLength: 2 }).map((p) => p.join("/"));
const under = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const time = fc.nat(3).map((t) => new Date(t * 1000));
const entry: fc.Arbitrary<Spec> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ dir: dirPath, name: fileName, content: fc.string({ maxLength: 600 }), mode: fc.constantFrom(0o644, 0o600, 0o4755), uid: fc.nat(70000), mtime: time }).map(
    (e): Spec => ({ name: under(e.dir, e.name), content: e.content, mode: e.mode, uid: e.uid, mtime: e.mtime }),
  ) },
  { weight: 3, arbitrary: fc.record({ dir: dirPath, name: dirName, mode: fc.constantFrom(0o755, 0o700, 0o1777), mtime: time }).map(
    (e): Spec => ({ name: under(e.dir, e.name) + "/", type: "directory", mode: e.mode, mtime: e.mtime }),
  ) },
  { weight: 1, arbitrary: fc.record({ dir: dirPath, target: fc.constantFrom("e", "/b", "../c", "a/ef") }).map(
    (e): Spec => ({ name: under(e.dir, "s"), type: "symlink", linkname: e.target }),
  ) },
  { weight: 1, arbitrary: fc.record({ dir: dirPath, target: fc.constantFrom("e", "a/e", "b/f", "a/b/ef") }).map(
    (e): Spec => ({ name: under(e.dir, "h"), type: "link", linkname: e.target }),
  ) },
  { weight: 1, arbitrary: dirPath.map((d): Spec => ({ name: under(d, "p"), type: "fifo" })) },
  { weight: 2, arbitrary: fc.record({ dir: dirPath, name: fc.oneof(dirName, fileName) }).map((e): Spec => ({ name: under(e.dir, `.wh.${e.name}`) })) },
  { weight: 1, arbitrary: dirPath.filter((p) => p !== "").map((d): Spec => ({ name: `${d}/.wh..wh..opq` })) },
  // Long names (PAX path) and a PAX time with a fraction.
  { weight: 1, arbitrary: fc.record({ dir: dirPath, n: fc.integer({ min: 90, max: 180 }) }).map(
    (e): Spec => ({ name: under(e.dir, "l".repeat(e.n)), content: "long", pax: { mtime: "1.25" } }),
  ) },
);

describe("a disk store's base materialised hollow", () => {
  it("gives the tree and the next step's layer bytes that the verified tar gives, with and without the members index", async () => {
    const { store } = freshStore();
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(entry, { minLength: 1, maxLength: 14 }), { minLength: 1, maxLength: 3 }), async (specs) => {
        const tars = await Promise.all(specs.map((l) => makeTar(l)));
        const layers = await storedStack(store, tars);
        if (!layers) return;
        const diffIDs = await Promise.all(layers.map((l) => l.diffID()));
        const reference = await outcome(asVerified(layers, diffIDs, "chunks")).catch((e: Error) => ({ error: e.message }));
        const built = await outcome(asVerified(layers, diffIDs, "hollow")).catch((e: Error) => ({ error: e.message })); // index made here
        const indexed = await outcome(asVerified(layers, diffIDs, "hollow")).catch((e: Error) => ({ error: e.message }));
        expect(built).toEqual(reference);
        expect(indexed).toEqual(reference);
        checked++;
      }),
      { numRuns: 250 },
    );
    expect(checked).toBeGreaterThan(40);
  }, 120_000);

  it("the busybox base: same tree and next layer; every stored tar still rebuilds to its diffID", async () => {
    const { store, root } = freshStore();
    const base = readFileSync(join(__dirname, "../../../test/conformance/base/busybox-rootfs.tar"));
    const [layer] = (await storedStack(store, [base]))!;
    const diffIDs = [await layer.diffID()];
    const reference = await outcome(asVerified([layer], diffIDs, "chunks"));
    expect(await outcome(asVerified([layer], diffIDs, "hollow"))).toEqual(reference);
    expect(await outcome(asVerified([layer], diffIDs, "hollow"))).toEqual(reference);
    const layerDir = join(root, "image/overlay2/layerdb/sha256", layer.chainID.slice(7));
    expect(readdirSync(layerDir)).toContain("tsbuild-members");
    expect(await store.fsck()).toEqual([]);
  });
});

describe("the base memo and hollow trees", () => {
  it("a tree kept from one store is not copied for another (the first store's files may be gone)", async () => {
    const t = await makeTar([{ name: "f", content: "from the store" }]);
    const a = freshStore();
    const b = freshStore();
    const [la] = (await storedStack(a.store, [t]))!;
    const [lb] = (await storedStack(b.store, [t]))!;
    // The same diffIDs each time (no salt): the second materialisation from a is kept by the memo.
    const verified = (l: StoredLayer, diffID: string): VerifiedLayer[] => [{ diffID, open: () => l.open(), hollow: () => l.hollow!() }];
    const diffID = await la.diffID();
    for (let i = 0; i < 3; i++) await new RootFS(CLOCK).applyVerifiedLayers(verified(la, diffID));
    rmSync(a.root, { recursive: true, force: true });
    const rfs = new RootFS(CLOCK);
    await rfs.applyVerifiedLayers(verified(lb, diffID));
    expect(rfs.readFile("/f").toString()).toBe("from the store");
  });
});

describe("the members index", () => {
  async function oneLayer() {
    const { store, root } = freshStore();
    const t = await makeTar([{ name: "d/", type: "directory" }, { name: "d/f", content: "hello" }, { name: "g", content: "world!" }]);
    const [layer] = (await storedStack(store, [t]))!;
    const layerDir = join(root, "image/overlay2/layerdb/sha256", layer.chainID.slice(7));
    const diff = join(root, "overlay2", layer.cacheID, "diff");
    return { layer, layerDir, diff, diffIDs: [await layer.diffID()] };
  }

  it("is written with a layer of 1,000 files or more, and gives the tree the verified tar gives", async () => {
    const { store, root } = freshStore();
    const specs: Spec[] = [];
    for (let i = 0; i < 1100; i++) specs.push({ name: `d${i % 7}/f${i}`, content: "x".repeat(i % 700), mode: 0o600 + (i % 2) * 0o44, uid: i });
    const [layer] = (await storedStack(store, [await makeTar(specs)]))!;
    const index = join(root, "image/overlay2/layerdb/sha256", layer.chainID.slice(7), "tsbuild-members");
    const written = statSync(index).ino;
    const diffIDs = [await layer.diffID()];
    const reference = await outcome(asVerified([layer], diffIDs, "chunks"));
    expect(await outcome(asVerified([layer], diffIDs, "hollow"))).toEqual(reference);
    expect(statSync(index).ino).toBe(written); // used as it was, not made again

    // A layer a build step made gets it on first use instead.
    const builtTar = await makeTar(specs.map((x) => ({ ...x, name: "b/" + x.name })));
    const [built] = [await store.withLock((s) => s.putLayer(builtTar, null, { builtHere: true }))];
    const builtIndex = join(root, "image/overlay2/layerdb/sha256", built.chainID.slice(7), "tsbuild-members");
    expect(existsSync(builtIndex)).toBe(false);
    const builtIDs = [await built.diffID()];
    expect(await outcome(asVerified([built], builtIDs, "hollow"))).toEqual(await outcome(asVerified([built], builtIDs, "chunks")));
    expect(existsSync(builtIndex)).toBe(true);
  });

  it("is rebuilt when damaged, truncated or older than its tar-split", async () => {
    const { layer, layerDir, diffIDs } = await oneLayer();
    const reference = await outcome(asVerified([layer], diffIDs, "chunks"));
    expect(await outcome(asVerified([layer], diffIDs, "hollow"))).toEqual(reference);
    const index = join(layerDir, "tsbuild-members");
    const good = readFileSync(index);
    truncateSync(index, good.length - 3);
    expect(await outcome(asVerified([layer], diffIDs, "hollow"))).toEqual(reference);
    expect(readFileSync(index)).toEqual(good);
    appendFileSync(index, "x");
    expect(await outcome(asVerified([layer], diffIDs, "hollow"))).toEqual(reference);
    expect(readFileSync(index)).toEqual(good);
    // A tar-split touched after the index: the index is made again from it.
    writeFileSync(index, Buffer.concat([good.subarray(0, good.length - 5), Buffer.from("zzzzz")]));
    utimesSync(join(layerDir, "tar-split.json.gz"), new Date(), new Date(Date.now() + 5000));
    expect(await outcome(asVerified([layer], diffIDs, "hollow"))).toEqual(reference);
    expect(readFileSync(index).subarray(38)).toEqual(good.subarray(38));
  });

  it("a diff/ file changed under a hollow tree fails its read, naming the file", async () => {
    const { layer, diff, diffIDs } = await oneLayer();
    const rfs = new RootFS(CLOCK);
    await rfs.applyVerifiedLayers(asVerified([layer], diffIDs, "hollow"));
    expect(rfs.readFile("/g").toString()).toBe("world!");
    writeFileSync(join(diff, "g"), "other bytes");
    expect(() => rfs.readFile("/g")).toThrow(/diff\/g \(layer sha256:[0-9a-f]{64}\) has 11 bytes, the layer recorded 6: the store changed under the build/);
    rmSync(join(diff, "d/f"));
    expect(() => rfs.readFile("/d/f")).toThrow(/diff\/d\/f \(layer .*\) cannot be read/);
  });
});

import { describe, expect, it } from "vitest";
import { sha256Digest } from "@tsbuild/image";
import { RootFS } from "../src/index.js";
import { busyboxBase, listing, makeTar, step } from "./helpers.js";

const FIXED = { defaultMtime: new Date(1_700_000_000_000) };

async function upperLayer(): Promise<Buffer> {
  return makeTar([
    { name: "etc/app/", type: "directory", mode: 0o750, uid: 5, gid: 6 },
    { name: "etc/app/conf", content: "a=1\n", mode: 0o640 },
    { name: "etc/app/conf-link", type: "link", linkname: "etc/app/conf" },
    { name: "bin/.wh.vi" },
    { name: "missing/parent/file", content: "x" },
    // 300 MB if every name counted its bytes: the kept trees' budget counts an inode once.
    { name: "opt/big", content: Buffer.alloc(300_000, 1) },
    ...Array.from({ length: 1000 }, (_, i) => ({ name: `opt/link${i}`, type: "link" as const, linkname: "opt/big" })),
  ]);
}

describe("applyVerifiedLayers (a base materialised once per process, copied into each RootFS)", () => {
  it("gives the same tree as applying the tars, on the first call and from the kept tree", async () => {
    const base = busyboxBase();
    const upper = await upperLayer();
    const layers = [
      { diffID: sha256Digest(base), open: async () => base },
      { diffID: sha256Digest(upper), open: async () => upper },
    ];
    const applied = new RootFS(FIXED);
    await applied.applyLayer(base);
    await applied.applyLayer(upper);
    // The first call applies the tars, the second keeps a tree and copies it, the third only copies.
    const first = new RootFS(FIXED);
    await first.applyVerifiedLayers(layers);
    const second = new RootFS(FIXED);
    await second.applyVerifiedLayers(layers);
    let opened = 0;
    const third = new RootFS(FIXED);
    await third.applyVerifiedLayers(layers.map((l) => ({ diffID: l.diffID, open: async () => (opened++, l.open()) })));
    expect(opened).toBe(0);
    const want = listing(applied);
    expect(want.some((l) => l.startsWith("/etc/app/conf-link file 644 0 0 4 0 2 0 sha256:") && l.endsWith(" /etc/app/conf"))).toBe(true);
    expect(listing(first)).toEqual(want);
    expect(listing(second)).toEqual(want);
    expect(listing(third)).toEqual(want);
  });

  it("keeps each build's copy its own: a step's changes reach neither the kept tree nor another copy", async () => {
    const base = busyboxBase();
    const layers = [{ diffID: sha256Digest(base), open: async () => base }];
    await new RootFS(FIXED).applyVerifiedLayers(layers);
    const a = new RootFS(FIXED);
    await a.applyVerifiedLayers(layers);
    const before = listing(a);
    const diff = await step(a, (fs) => {
      fs.writeFile("/bin/busybox", "replaced");
      fs.chmod("/etc", 0o700);
      fs.chown("/tmp", { uid: 9, gid: 9 });
      fs.rm("/usr", { recursive: true });
      fs.mkdir("/new");
    });
    expect(diff.entries.map((e) => e.path)).toContain("bin/busybox");
    const b = new RootFS(FIXED);
    await b.applyVerifiedLayers(layers);
    expect(listing(b)).toEqual(before);
    expect(listing(a)).not.toEqual(before);
  });

  it("refuses a RootFS that already has layers", async () => {
    const base = busyboxBase();
    const rfs = new RootFS(FIXED);
    await rfs.applyLayer(base);
    await expect(rfs.applyVerifiedLayers([{ diffID: sha256Digest(base), open: async () => base }])).rejects.toThrow(/already has layers/);
  });
});

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Readable } from "node:stream";
import { sha256Digest } from "@tsbuild/image";
import { RootFS } from "../src/index.js";
import { applyLayerTo } from "../src/apply-layer.js";
import type { Tree } from "../src/tree.js";
import { listing, makeTar, type TarSpec } from "./helpers.js";

/** The RootFS's tree, to apply a layer to it with options RootFS does not expose. */
const treeOf = (rfs: RootFS) => (rfs as unknown as { tree: Tree }).tree;

/**
 * A verified base layer is applied from its buffers by a synchronous walk, each entry's parent
 * looked up in a per-layer cache, links built directly (apply-layer.ts, tree.ts); an unverified
 * tar still goes through the streaming walk. Both must give the same tree, and the same layer for
 * a step on top, for any stack of layers: whiteouts, opaque directories, symlinked parents,
 * hard links, replaced entries and names with "." or "..". The reference resolves every parent
 * from the root through the streaming walk.
 */

const CLOCK = { defaultMtime: new Date(1_600_000_000_000) };

// Directories, files and links draw from different names, so that most stacks apply cleanly
// (a file where a later entry needs a directory is an error, compared too, but says little).
const dirName = fc.constantFrom("a", "b", "c");
const fileName = fc.constantFrom("e", "f");
const dirPath = fc.array(dirName, { minLength: 0, maxLength: 2 }).map((p) => p.join("/"));
const under = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const time = fc.nat(3).map((t) => new Date(t * 1000));

const entry: fc.Arbitrary<TarSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ dir: dirPath, name: fileName, content: fc.string({ maxLength: 20 }), mode: fc.constantFrom(0o644, 0o600), mtime: time }).map(
    (e): TarSpec => ({ name: under(e.dir, e.name), content: e.content, mode: e.mode, mtime: e.mtime }),
  ) },
  { weight: 3, arbitrary: fc.record({ dir: dirPath, name: dirName, mode: fc.constantFrom(0o755, 0o700), mtime: time, slash: fc.boolean() }).map(
    (e): TarSpec => ({ name: under(e.dir, e.name) + (e.slash ? "/" : ""), type: "directory", mode: e.mode, mtime: e.mtime }),
  ) },
  // A symlinked directory: later entries under "s/..." land wherever it points.
  { weight: 1, arbitrary: fc.record({ dir: dirPath, target: fc.constantFrom("a", "/b", "../c", "a/b", ".") }).map(
    (e): TarSpec => ({ name: under(e.dir, "s"), type: "symlink", linkname: e.target }),
  ) },
  { weight: 1, arbitrary: fc.record({ dir: dirPath, target: fc.constantFrom("e", "a/e", "b/f", "a/b/f") }).map(
    (e): TarSpec => ({ name: under(e.dir, "h"), type: "link", linkname: e.target }),
  ) },
  { weight: 2, arbitrary: fc.record({ dir: dirPath, name: fc.oneof(dirName, fileName, fc.constant("s")) }).map((e): TarSpec => ({ name: under(e.dir, `.wh.${e.name}`) })) },
  { weight: 1, arbitrary: dirPath.filter((p) => p !== "").map((d): TarSpec => ({ name: `${d}/.wh..wh..opq` })) },
  { weight: 1, arbitrary: fc.record({ dir: dirPath, name: fileName, odd: fc.constantFrom("./", "a/../", "/", "s/", "b/./") }).map(
    (e): TarSpec => ({ name: e.odd + under(e.dir, e.name), content: "odd" }),
  ) },
);

/** The tar cut at arbitrary places, as a store's chunks would be. */
function cut(tar: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= tar.length) break;
    out.push(tar.subarray(at, at + n));
    at += n;
  }
  if (at < tar.length) out.push(tar.subarray(at));
  return out;
}

async function outcome(apply: (rfs: RootFS) => Promise<void>): Promise<{ tree?: string[]; layer?: string; error?: string }> {
  const rfs = new RootFS(CLOCK);
  try {
    await apply(rfs);
  } catch (e) {
    return { error: (e as Error).message };
  }
  const tree = listing(rfs);
  rfs.beginStep();
  rfs.writeFile("/step.txt", "1");
  rfs.rm("/a", { recursive: true, force: true });
  if (rfs.exists("/b")) rfs.chmod("/b", 0o700);
  const layer = await rfs.commitStep({ mtime: new Date(1_700_000_000_000) });
  return { tree, layer: Buffer.concat(layer.tarChunks()).toString("base64") };
}

let stack = 0;

describe("a verified layer stack applied from buffers", () => {
  it("gives the tree and the next step's layer that applying the tars as streams gives", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(entry, { minLength: 1, maxLength: 16 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 1500 }), { maxLength: 20 }),
        async (layerSpecs, sizes) => {
          const tars = await Promise.all(layerSpecs.map((l) => makeTar(l)));
          // A salt keeps every run's diffIDs apart, so base-memo applies (never copies a kept tree).
          const salt = `run ${stack++} `;
          // The reference: the streaming walk, every parent resolved from the root.
          const streamed = await outcome(async (rfs) => {
            for (const t of tars) await applyLayerTo(treeOf(rfs), Readable.from(cut(t, sizes)), () => new Date(CLOCK.defaultMtime), { cacheParents: false });
          });
          const fromChunks = await outcome((rfs) =>
            rfs.applyVerifiedLayers(tars.map((t) => ({ diffID: salt + sha256Digest(t), open: async () => t, chunks: async () => cut(t, sizes) }))),
          );
          const fromStream = await outcome((rfs) =>
            rfs.applyVerifiedLayers(tars.map((t) => ({ diffID: "s" + salt + sha256Digest(t), open: async () => Readable.from(cut(t, sizes)) }))),
          );
          expect(fromChunks).toEqual(streamed);
          expect(fromStream).toEqual(streamed);
        },
      ),
      { numRuns: 150 },
    );
  });
});

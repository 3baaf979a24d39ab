import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importTar, openStore } from "@tsbuild/store";
import { BUSYBOX_TAR, cli, isRawError, tempDir, writeTree, type Counts } from "./lib.js";

interface Tampering {
  name: string;
  damage(root: string, info: { baseChain: string; topChain: string; cacheID: string; id: string }): void;
  /** What fsck's report must name. */
  named: RegExp;
}

const L = (root: string) => join(root, "image/overlay2/layerdb/sha256");

const TAMPERINGS: Tampering[] = [
  {
    name: "a flipped byte in diff/",
    damage: (root, i) => {
      const f = join(root, "overlay2", i.cacheID, "diff/etc/passwd");
      const b = readFileSync(f);
      b[0] ^= 1;
      writeFileSync(f, b);
    },
    named: /etc\/passwd/,
  },
  { name: "a removed tar-split.json.gz", damage: (root, i) => rmSync(join(L(root), i.baseChain.slice(7), "tar-split.json.gz")), named: /tar-split\.json\.gz/ },
  { name: "a corrupt repositories.json", damage: (root) => writeFileSync(join(root, "image/overlay2/repositories.json"), "{oops"), named: /repositories\.json/ },
  {
    name: "a truncated config",
    damage: (root, i) => {
      const f = join(root, "image/overlay2/imagedb/content/sha256", i.id.slice(7));
      writeFileSync(f, readFileSync(f).subarray(0, 30));
    },
    named: /config hashes to/,
  },
  { name: "a removed parent link", damage: (root, i) => rmSync(join(L(root), i.topChain.slice(7), "parent")), named: /chainID should be|a base layer's chainID/ },
  {
    name: "a wrong distribution/ map",
    damage: (root, i) => {
      const dir = join(root, "image/overlay2/distribution/diffid-by-digest/sha256");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "ab".repeat(32)), "not a digest");
      void i;
    },
    named: /distribution\/diffid-by-digest/,
  },
];

/**
 * Each tampering on a fresh store: fsck must name it, and `save` must refuse (exit non-zero
 * with a message, no raw error) rather than write an archive from a damaged image.
 */
export async function storeTampering(): Promise<Counts> {
  const counts: Counts = { tamperings: TAMPERINGS.length, named: 0, unnamed: 0, saveRefused: 0, saveProduced: 0, rawErrors: 0 };
  for (const t of TAMPERINGS) {
    const root = tempDir("tamper");
    const store = openStore(root);
    const base = await importTar(store, readFileSync(BUSYBOX_TAR), { ref: "busybox:rel" });
    const ctx = writeTree(tempDir("tamper-ctx"), { Dockerfile: "FROM busybox:rel\nRUN echo top > /top\n" });
    const built = await cli(["build", "--root", root, "-t", "rel/top:1", ctx]);
    if (built.code !== 0) throw new Error(`build failed: ${built.stderr}`);
    const top = openStore(root).resolve("rel/top:1")!;
    const layers = await openStore(root).getImage(top)!.layers();
    t.damage(root, { baseChain: layers[0].chainID, topChain: layers[1].chainID, cacheID: layers[0].cacheID, id: top });
    void base;
    const fsck = await cli(["fsck", "--root", root]);
    if (fsck.code !== 0 && t.named.test(fsck.stdout + fsck.stderr)) counts.named++;
    else {
      counts.unnamed++;
      console.error(`tampering "${t.name}": fsck said ${JSON.stringify(fsck.stdout + fsck.stderr)}`);
    }
    if (isRawError(fsck.stderr) && fsck.stderr) counts.rawErrors++;
    // Beside the store, in a temp directory of its own (removed with the others), never in /tmp itself.
    const out = join(tempDir("tamper-save"), "image.tar");
    const save = await cli(["save", "--root", root, "-o", out, "rel/top:1"]);
    if (save.code === 0) {
      // A damage that does not touch the saved image's bytes (the tag file, distribution/) may still save.
      if (/repositories|distribution/.test(t.name)) counts.saveRefused++;
      else {
        counts.saveProduced++;
        console.error(`tampering "${t.name}": save produced an archive`);
      }
    } else {
      counts.saveRefused++;
      if (isRawError(save.stderr)) {
        counts.rawErrors++;
        console.error(`tampering "${t.name}": save: ${save.stderr}`);
      }
    }
  }
  return counts;
}

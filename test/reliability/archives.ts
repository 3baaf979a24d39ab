import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import { layerEntries } from "@tsbuild/fs-snapshot";
import { importTar, loadArchive, memoryStore, openStore } from "@tsbuild/store";
import { corpus } from "./corpus.js";
import { BUSYBOX_TAR, isRawError, rng, snapshot, tempDir, writeTree, type Counts } from "./lib.js";

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/**
 * The hostile corpus through ADD (tars), import (tars) and load (image archives). Counted:
 * writes outside the destination (a canary directory on the host every escape aims at, and
 * ADD layers with a member outside the ADD destination), stores changed by a refused
 * archive, raw or empty error messages, and how many were accepted or refused.
 */
export async function hostileArchives(count: number): Promise<Counts> {
  const base = tempDir("arch");
  const outside = join(base, "outside");
  mkdirSync(outside);
  const cases = corpus(count, outside, rng());
  const counts: Counts = { archives: cases.length, operations: 0, accepted: 0, refused: 0, writesOutside: 0, storeChangedOnRefusal: 0, rawErrors: 0 };
  const mem = memoryStore();
  await importTar(mem, readFileSync(BUSYBOX_TAR), { ref: "busybox:test", created: new Date("2024-01-01T00:00:00Z") });
  const saved = process.env.TSBUILD_MEMORY;
  process.env.TSBUILD_MEMORY = "16m";
  const ctx = tempDir("arch-ctx");
  writeTree(ctx, { Dockerfile: "FROM busybox:test\nADD a.bin /dest/\n" });
  const root = join(base, "root");
  const store = openStore(root);
  // A store in use, not an empty directory: its skeleton exists before the first refusal.
  await importTar(store, readFileSync(BUSYBOX_TAR), { ref: "busybox:rel" });
  const refused = (e: unknown, what: string) => {
    counts.refused++;
    const msg = (e as Error)?.message ?? "";
    if (isRawError(msg)) {
      counts.rawErrors++;
      console.error(`${what}: raw error: ${(e as Error)?.stack ?? e}`);
    }
  };
  const escaped = (what: string) => {
    const found = readdirSync(outside);
    if (found.length) {
      counts.writesOutside++;
      console.error(`${what}: wrote ${found.join(", ")} outside`);
    }
  };
  try {
    for (const c of cases) {
      if (c.kind === "tar") {
        counts.operations++;
        writeTree(ctx, { "a.bin": c.data });
        try {
          const r = await build({ store: mem, context: await BuildContext.fromDirectory(ctx), output: () => undefined });
          counts.accepted++;
          const layers = await mem.getImage(r.imageId)!.layers();
          const entries = await layerEntries(await collect(await layers[layers.length - 1].open()));
          if (entries.some((e) => e.path !== "dest" && !e.path.startsWith("dest/"))) {
            counts.writesOutside++;
            console.error(`ADD ${c.name}: a member outside /dest: ${entries.map((e) => e.path).join(", ")}`);
          }
        } catch (e) {
          refused(e, `ADD ${c.name}`);
        }
        escaped(`ADD ${c.name}`);
      }
      counts.operations++;
      const before = snapshot(root);
      try {
        if (c.kind === "tar") await importTar(store, c.data, { ref: "rel/imported:1" });
        else await loadArchive(store, c.data);
        counts.accepted++;
      } catch (e) {
        refused(e, `${c.kind === "tar" ? "import" : "load"} ${c.name}`);
        const after = snapshot(root);
        // The lock directory comes and goes; everything else must be as it was.
        const changed = Object.keys({ ...before, ...after }).filter((k) => !k.startsWith("tsbuild.lock") && before[k] !== after[k]);
        if (changed.length) {
          counts.storeChangedOnRefusal++;
          console.error(`${c.name}: refused, yet the store changed: ${changed.slice(0, 5).join(", ")}`);
        }
      }
      escaped(`${c.kind === "tar" ? "import" : "load"} ${c.name}`);
    }
  } finally {
    if (saved === undefined) delete process.env.TSBUILD_MEMORY;
    else process.env.TSBUILD_MEMORY = saved;
  }
  const problems = await store.fsck();
  counts.fsckProblemsAfter = problems.length;
  if (problems.length) console.error(problems.join("\n"));
  return counts;
}

import { randomBytes } from "node:crypto";
import { BUSYBOX_TAR, cli, leftovers, rng, tempDir, writeTree, type Counts } from "./lib.js";

/**
 * Crash consistency: builds SIGKILLed at random points, each followed by `fsck` and a normal
 * build on the same root. Counted: corrupt stores (fsck not clean), leftover temp entries
 * after the next start, failed follow-up builds.
 */
export async function crashConsistency(kills: number): Promise<Counts> {
  const random = rng();
  const root = tempDir("crash-root");
  const imported = await cli(["import", "--root", root, BUSYBOX_TAR, "busybox:rel"]);
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  const ctx = writeTree(tempDir("crash-ctx"), {
    Dockerfile: [
      "FROM busybox:rel",
      "COPY big.bin /data/big.bin",
      "RUN mkdir -p /w && cp /data/big.bin /w/copy && echo one > /w/one",
      "COPY small /small/",
      "RUN ln -s ../../../lib/libc.so /w/libc.so && rm /data/big.bin",
      "ENV A=1",
      "RUN echo done > /done",
    ].join("\n") + "\n",
    "big.bin": randomBytes(3 << 20),
    "small/a": "a\n",
    "small/b": "b\n",
  });
  // How long a whole build takes here: kills land anywhere inside it.
  const full = await cli(["build", "--root", root, "--no-cache", "-t", "rel/crash:warm", ctx]);
  if (full.code !== 0) throw new Error(`warm-up build failed: ${full.stderr}`);
  const counts: Counts = { kills: 0, killedMidBuild: 0, corruptStores: 0, leftoverTempEntries: 0, failedNextBuilds: 0 };
  for (let i = 0; i < kills; i++) {
    const at = Math.floor(random() * full.ms * 1.1);
    const r = await cli(["build", "--root", root, "--no-cache", "-t", `rel/crash:${i}`, ctx], { killAfterMs: at });
    counts.kills++;
    if (r.signal === "SIGKILL") counts.killedMidBuild++;
    const fsck = await cli(["fsck", "--root", root]);
    if (fsck.code !== 0) {
      counts.corruptStores++;
      console.error(`crash ${i} (killed at ${at} ms): fsck: ${fsck.stdout}${fsck.stderr}`);
    }
    counts.leftoverTempEntries += leftovers(root).length;
    const next = await cli(["build", "--root", root, "-t", "rel/crash:next", ctx]);
    if (next.code !== 0) {
      counts.failedNextBuilds++;
      console.error(`crash ${i}: next build: ${next.stderr}`);
    }
  }
  return counts;
}

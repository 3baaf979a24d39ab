import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { BUSYBOX_TAR, cli, REPO, tempDir, writeTree, type Counts } from "./lib.js";
import { scaleEnvLines, scaleImages, scaleStages } from "./sizes.js";

/**
 * Fills a fresh root with `images` images, each a child of busybox as earlier builds' first
 * steps are (through the store library: thousands of CLI builds would take hours).
 */
function filledRoot(images: number): string {
  const root = tempDir("scale-root");
  const dist = (pkg: string) => JSON.stringify(join(REPO, `packages/${pkg}/dist/index.js`));
  const script = `import { openStore, importTar } from ${dist("store")};
import { serializeConfig } from ${dist("image")};
import { readFileSync } from "node:fs";
const store = openStore(${JSON.stringify(root)});
const base = await importTar(store, readFileSync(${JSON.stringify(BUSYBOX_TAR)}), { ref: "busybox:rel" });
const cfg = await store.getImage(base).config();
await store.withLock(async (store) => {
  for (let i = 0; i < ${images}; i++) {
    const c = structuredClone(cfg);
    c.config.Env = [...(c.config.Env ?? []), "FILL=" + i];
    c.container_config = { ...c.config, Cmd: ["/bin/sh", "-c", "#(nop) ENV FILL=" + i] };
    c.created = new Date(Date.UTC(2024, 0, 1, 0, 0, i % 60)).toISOString();
    c.history = [...(c.history ?? []), { created: c.created, created_by: "/bin/sh -c #(nop) ENV FILL=" + i, empty_layer: true }];
    await store.putImage(serializeConfig(c), base);
  }
});`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`filling the root failed: ${r.stderr}`);
  return root;
}

/**
 * Scale (issue 17 item 9 and the ENV cost): a many-stage build on a root holding only its base,
 * then on one holding thousands of other children of that base (every step's cache probe looks
 * at them all, as Docker's does); and a Dockerfile of thousands of ENV lines. Reported in ms;
 * asserted only that the big root does not make the build many times slower (the probe once
 * re-read every image from disk at each step: 211 s against 8.7 s).
 */
export async function scale(): Promise<Counts> {
  const counts: Counts = { images: scaleImages, stages: scaleStages, envLines: scaleEnvLines, failedBuilds: 0, emptyRootMs: 0, bigRootMs: 0, envBuildMs: 0 };
  const stages = Array.from({ length: scaleStages }, (_, i) => `FROM busybox:rel AS s${i}\nENV S=${i}\nLABEL s=${i}\n`).join("");
  const ctx = writeTree(tempDir("scale-stages"), { Dockerfile: stages });
  for (const [key, root] of [["emptyRootMs", filledRoot(0)], ["bigRootMs", filledRoot(scaleImages)]] as const) {
    const r = await cli(["build", "--root", root, "-q", ctx], { timeoutMs: 1_800_000 });
    counts[key] = r.ms;
    if (r.code !== 0) {
      counts.failedBuilds++;
      console.error(`scale build (${key}): exit ${r.code}\n${r.stderr.slice(-2000)}`);
    }
  }
  const env = Array.from({ length: scaleEnvLines }, (_, i) => `ENV v${i}=value${i}`).join("\n");
  const envCtx = writeTree(tempDir("scale-env"), { Dockerfile: `FROM busybox:rel\n${env}\n` });
  const r = await cli(["build", "--root", filledRoot(0), "-q", envCtx], { timeoutMs: 1_800_000 });
  counts.envBuildMs = r.ms;
  if (r.code !== 0) {
    counts.failedBuilds++;
    console.error(`scale ENV build: exit ${r.code}\n${r.stderr.slice(-2000)}`);
  }
  return counts;
}

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUSYBOX_TAR, cli, CLI, isRawError, REPO, size, tempDir, writeTree, type Counts } from "./lib.js";
import { paxRecord, tar } from "./tarmaker.js";

interface Bomb {
  name: string;
  files: Record<string, string | Buffer>;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** A message the refusal must contain. */
  expect: RegExp;
}

const sha256 = (b: string | Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** An OCI layout whose index nests `depth` indexes. */
function deepIndex(depth: number): Buffer {
  const members: Array<{ name: string; data: string }> = [];
  let top: Record<string, unknown> = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: sha256("x"), size: 1 };
  for (let d = 0; d < depth; d++) {
    const idx = JSON.stringify({ schemaVersion: 2, manifests: [top] });
    members.push({ name: `blobs/sha256/${sha256(idx).slice(7)}`, data: idx });
    top = { mediaType: "application/vnd.oci.image.index.v1+json", digest: sha256(idx), size: idx.length };
  }
  return tar([{ name: "oci-layout", data: '{"imageLayoutVersion":"1.0.0"}' }, { name: "index.json", data: JSON.stringify({ schemaVersion: 2, manifests: [top] }) }, ...members]);
}

/**
 * RUN bombs and hostile Dockerfiles: each must stop with its message, within the step limit or
 * memory budget given, never with a raw error or by hanging (120 s).
 */
export async function bombs(): Promise<Counts> {
  const counts: Counts = { bombs: 0, stoppedWithMessage: 0, wrongMessage: 0, rawErrors: 0, hangs: 0, slowestMs: 0 };
  const root = tempDir("bombs-root");
  const imported = await cli(["import", "--root", root, BUSYBOX_TAR, "busybox:rel"]);
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  const env = Array.from({ length: 40 }, (_, i) => `ENV e${i + 1}=\${e${i}}\${e${i}}`).join("\n");
  const list: Bomb[] = [
    { name: "sed-loop", files: { Dockerfile: 'FROM busybox:rel\nRUN echo a | sed ":a;s/a/aa/;ba"\n' }, args: ["--run-timeout", "3"], expect: /time limit \(3000 ms\)/ },
    // Whichever comes first on the machine: the time limit or awk's share of the command limit.
    { name: "awk-loop", files: { Dockerfile: "FROM busybox:rel\nRUN awk 'BEGIN { while (1) x++ }'\n" }, args: ["--run-timeout", "3"], expect: /time limit \(3000 ms\)|step limit: awk: while loop exceeded maximum iterations/ },
    { name: "zero-hash", files: { Dockerfile: "FROM busybox:rel\nRUN head -c 2000000000 /dev/zero | sha256sum\n" }, args: ["--memory", "256m"], expect: /memory limit of 256 MiB \(use --memory\)/ },
    // Random bytes past the spill threshold go to disk, so the disk is what stops 20 GB: here a
    // spill limit of 1 GiB stands for a full disk, and dd fails as on one.
    { name: "dd-20000", files: { Dockerfile: "FROM busybox:rel\nRUN dd if=/dev/urandom of=/f bs=1M count=20000\n" }, args: ["--memory", "256m"], env: { TSBUILD_SPILL_LIMIT: String(2 ** 30) }, expect: /dd: can't open '\/f': No space left on device/ },
    { name: "files-add-up", files: { Dockerfile: "FROM busybox:rel\nRUN for i in 1 2 3 4 5 6; do head -c 60000000 /dev/urandom > /f$i; done\n" }, args: ["--memory", "256m"], expect: /memory limit of 256 MiB/ },
    { name: "env-doubling", files: { Dockerfile: `FROM busybox:rel\nENV e0=ab\n${env}\n` }, args: ["--memory", "256m"], expect: /environment .* exceeds .*\(use --memory\) \(Dockerfile:\d+: ENV/ },
    { name: "meta-arg-substitution", files: { Dockerfile: "ARG x=${}\nFROM busybox:rel\n" }, expect: /bad substitution \(Dockerfile:1: ARG/ },
    { name: "deep-path-add", files: { Dockerfile: "FROM busybox:rel\nADD deep.tar /x/\n", "deep.tar": tar([{ name: "PaxHeaders/f", type: "x", data: paxRecord("path", "a/".repeat(5000) + "f") }, { name: "f", data: "x" }]) }, expect: /ENAMETOOLONG: name too long/ },
  ];
  for (const b of list) {
    counts.bombs++;
    const ctx = writeTree(tempDir(`bomb-${b.name}`), b.files);
    const r = await cli(["build", "--root", root, ...(b.args ?? []), ctx], { timeoutMs: 120_000, env: b.env });
    counts.slowestMs = Math.max(counts.slowestMs, r.ms);
    if (r.signal) counts.hangs++;
    else if (r.code !== 0 && b.expect.test(r.stderr + r.stdout)) counts.stoppedWithMessage++;
    else {
      counts.wrongMessage++;
      console.error(`bomb ${b.name}: exit ${r.code}\n${(r.stderr + r.stdout).slice(-2000)}`);
    }
    if (r.code !== 0 && isRawError(r.stderr)) counts.rawErrors++;
  }
  // A 20,000-deep OCI index through load.
  counts.bombs++;
  const archive = join(tempDir("bomb-index"), "index.tar");
  writeFileSync(archive, deepIndex(20_000));
  const loaded = await cli(["load", "--root", root, "-i", archive], { timeoutMs: 120_000 });
  counts.slowestMs = Math.max(counts.slowestMs, loaded.ms);
  if (loaded.signal) counts.hangs++;
  else if (loaded.code !== 0 && /nested more than \d+ deep/.test(loaded.stderr)) counts.stoppedWithMessage++;
  else {
    counts.wrongMessage++;
    console.error(`bomb deep-index: exit ${loaded.code}\n${loaded.stderr.slice(-2000)}`);
  }
  if (loaded.code !== 0 && isRawError(loaded.stderr)) counts.rawErrors++;
  // A RUN stuck in JavaScript that never yields nor checks the deadline (a model's loop here; an
  // applet's, a huge sort's alike): the watchdog the CLI arms, through the library in its own
  // process, must print the step's failure, release the lock and kill the build.
  counts.bombs++;
  const stuck = stuckJavaScript(root);
  counts.slowestMs = Math.max(counts.slowestMs, stuck.ms);
  if (stuck.hung) counts.hangs++;
  else if (stuck.signal === "SIGKILL" && /returned a non-zero code: 137: the command ran longer than the step's time limit \(2000 ms\)/.test(stuck.stderr) && !existsSync(join(root, "tsbuild.lock"))) counts.stoppedWithMessage++;
  else {
    counts.wrongMessage++;
    console.error(`bomb stuck-javascript: signal ${stuck.signal}\n${stuck.stderr.slice(-2000)}`);
  }
  if (isRawError(stuck.stderr)) counts.rawErrors++;
  // A RUN build under an 8 GiB virtual-memory cap (ulimit -v) must succeed: just-bash's loading
  // used to pull in undici's WebAssembly, which cannot reserve its memory there.
  counts.bombs++;
  const ctx = writeTree(tempDir("bomb-ulimit"), { Dockerfile: "FROM busybox:rel\nRUN echo capped > /capped\n" });
  const capped = spawnSync("sh", ["-c", `ulimit -v 8388608 && exec "$0" "$@"`, process.execPath, CLI, "build", "--root", root, "--no-cache", ctx], { encoding: "utf8", timeout: 120_000 });
  if (capped.status === 0) counts.stoppedWithMessage++;
  else {
    counts.wrongMessage++;
    console.error(`bomb ulimit-v: exit ${capped.status}\n${(capped.stderr ?? "").slice(-2000)}`);
  }
  // Files of zeros far past the budget and past a Buffer's limit (dd, truncate, fallocate) must
  // build: they are kept as sizes, as Docker builds them on disk.
  counts.bombs++;
  const zeros = writeTree(tempDir("bomb-zeros"), { Dockerfile: "FROM busybox:rel\nRUN dd if=/dev/zero of=/f bs=1M count=1000 && truncate -s 5G /g && fallocate -l 1G /h && wc -c /g\n" });
  const built = await cli(["build", "--root", root, "--memory", "256m", "--no-cache", zeros], { timeoutMs: 120_000 });
  counts.slowestMs = Math.max(counts.slowestMs, built.ms);
  if (built.signal) counts.hangs++;
  else if (built.code === 0 && built.stdout.includes(`${5 * 2 ** 30} /g`)) counts.stoppedWithMessage++;
  else {
    counts.wrongMessage++;
    console.error(`bomb zero-files: exit ${built.code}\n${(built.stderr + built.stdout).slice(-2000)}`);
  }
  if (built.code !== 0 && isRawError(built.stderr)) counts.rawErrors++;
  counts.bombs++;
  const spilled = await spilledRandomFiles(root);
  counts.slowestMs = Math.max(counts.slowestMs, spilled.ms);
  if (spilled.ok) counts.stoppedWithMessage++;
  else counts.wrongMessage++;
  return counts;
}

/**
 * Random bytes far past the budget (300 MB in CI, 1.5 GB in the full run) must build: a file past
 * the spill threshold keeps its bytes in an unlinked temp file, never in Node's heap. The copy
 * and both sums must agree, and nothing may be left in the spill directory.
 */
async function spilledRandomFiles(root: string): Promise<{ ok: boolean; ms: number }> {
  const mb = size(300, 1500);
  const spillDir = tempDir("bomb-spill-dir");
  const ctx = writeTree(tempDir("bomb-spill"), { Dockerfile: `FROM busybox:rel\nRUN dd if=/dev/urandom of=/f bs=1M count=${mb} && cp /f /g && sha256sum /f /g && wc -c /g\n` });
  const r = await cli(["build", "--root", root, "--memory", "256m", "--no-cache", ctx], { timeoutMs: size(300_000, 900_000), env: { TSBUILD_SPILL_DIR: spillDir } });
  const sums = [...r.stdout.matchAll(/^([0-9a-f]{64})  \/[fg]$/gm)].map((m) => m[1]);
  const ok = r.code === 0 && sums.length === 2 && sums[0] === sums[1] && r.stdout.includes(`${mb * 2 ** 20} /g`) && readdirSync(spillDir).length === 0;
  if (!ok) console.error(`bomb spilled-random-files: exit ${r.code} signal ${r.signal}, spill dir ${JSON.stringify(readdirSync(spillDir))}\n${(r.stderr + r.stdout).slice(-2000)}`);
  return { ok, ms: r.ms };
}

/** A build with --run-timeout 2 whose RUN calls a model that loops forever, run as the CLI runs it (watchdog armed). */
function stuckJavaScript(root: string): { signal: string | null; stderr: string; ms: number; hung: boolean } {
  const dist = (pkg: string) => JSON.stringify(join(REPO, `packages/${pkg}/dist/index.js`));
  const ctx = writeTree(tempDir("bomb-stuck"), { Dockerfile: "FROM busybox:rel\nRUN spin\n" });
  const script = `import { build } from ${dist("builder")};
import { openStore } from ${dist("store")};
import { BuildContext } from ${dist("context")};
await build({
  store: openStore(${JSON.stringify(root)}),
  context: await BuildContext.fromDirectory(${JSON.stringify(ctx)}),
  models: [{ program: "spin", override: true, match() { for (;;); } }],
  runLimits: { timeoutMs: 2000, watchdog: true },
});`;
  const started = Date.now();
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 120_000 });
  return { signal: r.signal, stderr: r.stderr ?? "", ms: Date.now() - started, hung: (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT" };
}

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type LayerDiff, RootFS } from "@tsbuild/fs-snapshot";
import { runCommand, type RunResult, type RunSpec } from "@tsbuild/shell";

type LayerEntry = LayerDiff["entries"][number];

/** The repository's copy of the conformance data (test/conformance), so a fresh clone runs these tests. */
export const CONFORMANCE = fileURLToPath(new URL("../../../test/conformance", import.meta.url));

const baseCache = new Map<string, Buffer>();

/** A RootFS holding one of the conformance base images. */
export async function baseFs(base: "busybox" | "alpine-sim" | "empty" = "busybox"): Promise<RootFS> {
  const fs = new RootFS({ defaultMtime: new Date("2024-01-01T00:00:00Z") });
  if (base === "empty") return fs;
  let tar = baseCache.get(base);
  if (!tar) {
    tar = readFileSync(`${CONFORMANCE}/base/${base}-rootfs.tar`);
    baseCache.set(base, tar);
  }
  await fs.applyLayer(tar);
  return fs;
}

export interface StepRun extends RunResult {
  stdout: string;
  stderr: string;
  entries: LayerEntry[];
}

/** The tests' shorthand for a step's container: ENV as a record, WORKDIR, USER, VOLUMEs. */
export type StepOptions = Partial<Omit<RunSpec, "config">> & { env?: Record<string, string>; cwd?: string; user?: string; volumes?: string[] };

/** A RunSpec from the shorthand (default: Docker's PATH, "/", root, no volumes). */
export function specFor(argv: string[], opts: StepOptions): RunSpec {
  const { env = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }, cwd = "/", user = "", volumes, ...rest } = opts;
  const config = { Env: Object.entries(env).map(([k, v]) => `${k}=${v}`), WorkingDir: cwd, User: user, Volumes: volumes ? Object.fromEntries(volumes.map((v) => [v, {}])) : null };
  return { argv, config, ...rest };
}

/** Run one command as a RUN step (shell form unless `argv` is given) and commit its layer. */
export async function runStep(fs: RootFS, cmd: string | string[], opts: StepOptions = {}): Promise<StepRun> {
  let stdout = "";
  let stderr = "";
  fs.beginStep();
  const result = await runCommand(fs, specFor(Array.isArray(cmd) ? cmd : ["/bin/sh", "-c", cmd], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    ...opts,
  }));
  const diff = await fs.commitStep();
  return { ...result, stdout, stderr, entries: diff.entries };
}

/** Run a shell command and return only what it printed (the step's layer is discarded). */
export async function sh(fs: RootFS, cmd: string, opts: StepOptions = {}): Promise<StepRun> {
  let stdout = "";
  let stderr = "";
  fs.beginStep();
  const result = await runCommand(fs, specFor(["/bin/sh", "-c", cmd], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    ...opts,
  }));
  fs.abortStep();
  return { ...result, stdout, stderr, entries: [] };
}

export function expectedLayers(caseName: string): LayerEntry[][] {
  const expected = JSON.parse(readFileSync(`${CONFORMANCE}/cases/${caseName}/expected.json`, "utf8"));
  return expected.image.layers.map((l: { entries: LayerEntry[] }) => l.entries);
}

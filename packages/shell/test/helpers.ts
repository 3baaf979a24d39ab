import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type LayerDiff, RootFS } from "@tsbuild/fs-snapshot";
import { runCommand, type RunResult, type RunSpec } from "@tsbuild/shell";

type LayerEntry = LayerDiff["entries"][number];

/** The repository's copy of the conformance data (test/conformance), so a fresh clone runs these tests. */
export const CONFORMANCE = fileURLToPath(new URL("../../../test/conformance", import.meta.url));

const baseCache = new Map<string, Buffer>();

export type Base = "busybox" | "alpine-sim" | "empty";

/** A RootFS holding one of the conformance base images. */
export async function baseFs(base: Base = "busybox"): Promise<RootFS> {
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
export function runStep(fs: RootFS, cmd: string | string[], opts: StepOptions = {}): Promise<StepRun> {
  return step(fs, Array.isArray(cmd) ? cmd : ["/bin/sh", "-c", cmd], opts, true);
}

/** Run a shell command and return only what it printed (the step's layer is discarded). */
export function sh(fs: RootFS, cmd: string, opts: StepOptions = {}): Promise<StepRun> {
  return step(fs, ["/bin/sh", "-c", cmd], opts, false);
}

async function step(fs: RootFS, argv: string[], opts: StepOptions, keepLayer: boolean): Promise<StepRun> {
  let stdout = "";
  let stderr = "";
  fs.beginStep();
  const result = await runCommand(fs, specFor(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    ...opts,
  }));
  let entries: LayerEntry[] = [];
  if (keepLayer) entries = (await fs.commitStep()).entries;
  else fs.abortStep();
  return { ...result, stdout, stderr, entries };
}

/** The shorthand, plus the base image a fresh filesystem starts from (busybox by default). */
export type FreshOptions = StepOptions & { base?: Base };

/** runStep on a fresh copy of a base image, for a test that needs nothing but the step's result. */
export async function freshRun(cmd: string | string[], opts: FreshOptions = {}): Promise<StepRun> {
  const { base, ...rest } = opts;
  return runStep(await baseFs(base), cmd, rest);
}

/** sh on a fresh copy of a base image. */
export async function freshSh(cmd: string, opts: FreshOptions = {}): Promise<StepRun> {
  const { base, ...rest } = opts;
  return sh(await baseFs(base), cmd, rest);
}

export function expectedLayers(caseName: string): LayerEntry[][] {
  const expected = JSON.parse(readFileSync(`${CONFORMANCE}/cases/${caseName}/expected.json`, "utf8"));
  return expected.image.layers.map((l: { entries: LayerEntry[] }) => l.entries);
}

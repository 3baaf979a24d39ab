import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

export const REPO = join(import.meta.dirname, "../..");
export const CLI = join(REPO, "packages/cli/dist/bin.js");
export const BUSYBOX_TAR = join(REPO, "test/conformance/base/busybox-rootfs.tar");

/** Sizes: the CI sample by default, the full run with RELIABILITY_FULL=1. */
export const FULL = process.env.RELIABILITY_FULL === "1";
export const size = (ci: number, full: number) => (FULL ? full : ci);

/** Seeded, so a failing run can be repeated (RELIABILITY_SEED). */
export const SEED = Number(process.env.RELIABILITY_SEED ?? 1717);
export function rng(seed = SEED): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const made: string[] = [];
export function tempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `tsbuild-rel-${tag}-`));
  made.push(d);
  return d;
}
export function cleanupTemps(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function writeTree(dir: string, files: Record<string, string | Buffer>): string {
  for (const [p, v] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), v);
  }
  return dir;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the tsbuild CLI; `killAfterMs` sends SIGKILL then (a crash at a random point). */
export function cli(args: string[], opts: { killAfterMs?: number; input?: Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.stdin.on("error", () => undefined);
    if (opts.input) child.stdin.end(opts.input);
    else child.stdin.end();
    const timers: NodeJS.Timeout[] = [];
    if (opts.killAfterMs !== undefined) timers.push(setTimeout(() => child.kill("SIGKILL"), opts.killAfterMs));
    timers.push(setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000));
    child.on("close", (code, signal) => {
      for (const t of timers) clearTimeout(t);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - start });
    });
  });
}

/** Every path under dir with its size and mtime: equal snapshots mean an unchanged tree. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      out[relative(dir, p)] = st.isDirectory() ? "dir" : `${st.size}:${st.mtimeMs}`;
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

export function leftovers(root: string): string[] {
  const tmp = join(root, "image/overlay2/layerdb/tmp");
  return existsSync(tmp) ? readdirSync(tmp) : [];
}

/** A message a user can act on: not empty, not a raw JavaScript failure or stack trace. */
export function isRawError(text: string): boolean {
  return (
    text.trim() === "" ||
    /\n\s+at .+:\d+:\d+\)?$/m.test(text) ||
    /Cannot read properties of|is not a function|is not iterable|Maximum call stack|RangeError|TypeError|ReferenceError|out of memory|ERR_[A-Z_]+/.test(text)
  );
}

export type Counts = Record<string, number>;

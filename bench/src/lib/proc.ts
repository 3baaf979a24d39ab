import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_BIN, RSS_PROBE } from "./paths.js";

export interface ProcResult {
  code: number;
  /** Wall-clock milliseconds from spawn to exit. */
  ms: number;
  stdout: string;
  stderr: string;
}

export interface ProcOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes to write to the child's stdin. */
  input?: Buffer;
}

/** Runs a program to its end and times it; never throws for a non-zero exit (the caller decides). */
export function run(cmd: string, args: string[], opts: ProcOptions = {}): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`)));
    child.on("close", (code) => {
      resolve({
        code: code ?? 1,
        ms: performance.now() - start,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    child.stdin.end(opts.input);
  });
}

/**
 * The environment the tsbuild CLI is timed in: this one without NODE_EXTRA_CA_CERTS. With it
 * set, Node parses the CA bundle at startup (about 40 ms on the reference machine) before any
 * tsbuild code runs; tsbuild makes no TLS connection, so that cost would only measure the
 * machine's configuration. The runner prints Node's bare startup both ways.
 */
export function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** `tsbuild ARGS` as a whole process, timed. */
export function tsbuild(args: string[], opts: ProcOptions = {}): Promise<ProcResult> {
  return run(process.execPath, [CLI_BIN, ...args], { env: cliEnv(), ...opts });
}

/** `tsbuild ARGS` with the process's peak RSS in bytes. */
export async function tsbuildWithRss(args: string[], opts: ProcOptions = {}): Promise<ProcResult & { rss: number }> {
  const dir = mkdtempSync(join(tmpdir(), "tsbuild-bench-rss-"));
  try {
    const file = join(dir, "rss");
    const r = await run(process.execPath, [RSS_PROBE, ...args], { ...opts, env: { ...cliEnv(), ...opts.env, TSBUILD_BENCH_RSS_FILE: file } });
    let rss = NaN;
    try {
      rss = Number(readFileSync(file, "utf8"));
    } catch {
      // The probe died before writing: the caller sees the exit code and NaN.
    }
    return { ...r, rss };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Throws with the command's own words when it failed. */
export function check(r: ProcResult, what: string): ProcResult {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-2000)}`);
  return r;
}

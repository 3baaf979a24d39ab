import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as nfs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RootFS } from "@tsbuild/fs-snapshot";
import { runCommand } from "@tsbuild/shell";
import { baseFs } from "../helpers.js";

/**
 * Differential testing: the same fixture and command run by the real program (busybox 1.35's
 * applets, or the host's GNU tools under dash) in a scratch directory and by tsbuild in the
 * sandbox; stdout, stderr, exit status and the resulting tree are compared.
 */
export type Flavour = "busybox" | "gnu";

export type FixtureEntry =
  | { path: string; type: "file"; mode: number; content: Buffer | string; uid?: number; gid?: number; mtime?: number }
  | { path: string; type: "dir"; mode: number; uid?: number; gid?: number; mtime?: number }
  | { path: string; type: "symlink"; target: string };

export interface Outcome {
  stdout: string;
  stderr: string;
  exitCode: number;
  tree: string[];
}

export interface RunOptions {
  stdin?: string | Buffer;
  /** Compare mtimes too (only where the command sets them deterministically). */
  mtimes?: boolean;
  /** Keep file contents as hashes only (binary outputs). */
  env?: Record<string, string>;
}

const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** The directory every command runs in, in the sandbox; the real run's temp dir is renamed to it. */
export const WORK = "/w";
const FIXED_TIME = 1_700_000_000;

export const BUSYBOX = "/bin/busybox";
export const hasBusybox = nfs.existsSync(BUSYBOX);
export const hasDash = nfs.existsSync("/bin/dash");
export const isRoot = process.getuid?.() === 0;

/** A directory of busybox applet links, so that `sh` and everything it runs is busybox's. */
let bbBin: string | undefined;
function busyboxBin(): string {
  if (bbBin) return bbBin;
  const dir = nfs.mkdtempSync(join(tmpdir(), "tsbuild-bbbin-"));
  const list = spawnSync(BUSYBOX, ["--list"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  for (const name of list) nfs.symlinkSync(BUSYBOX, join(dir, name));
  bbBin = dir;
  return dir;
}

export function cleanupHarness(): void {
  if (bbBin) nfs.rmSync(bbBin, { recursive: true, force: true });
  bbBin = undefined;
}

function buildReal(root: string, fixture: FixtureEntry[]): void {
  const dirs: Array<{ p: string; e: FixtureEntry & { type: "dir" } }> = [];
  for (const e of fixture) {
    const p = join(root, e.path);
    if (e.type === "dir") {
      nfs.mkdirSync(p, { recursive: true });
      dirs.push({ p, e });
    } else if (e.type === "file") {
      nfs.writeFileSync(p, e.content);
      // chown clears setuid/setgid: owner first, then the mode.
      if (e.uid !== undefined) nfs.chownSync(p, e.uid, e.gid ?? 0);
      nfs.chmodSync(p, e.mode);
      nfs.utimesSync(p, e.mtime ?? FIXED_TIME, e.mtime ?? FIXED_TIME);
    } else {
      nfs.symlinkSync(e.target, p);
      nfs.lutimesSync(p, FIXED_TIME, FIXED_TIME);
    }
  }
  // Directory modes last (a 0500 directory would refuse its children), deepest first.
  for (const { p, e } of dirs.reverse()) {
    if (e.uid !== undefined) nfs.chownSync(p, e.uid, e.gid ?? 0);
    nfs.chmodSync(p, e.mode);
    nfs.utimesSync(p, e.mtime ?? FIXED_TIME, e.mtime ?? FIXED_TIME);
  }
}

function buildSandbox(fs: RootFS, fixture: FixtureEntry[]): void {
  fs.mkdir(WORK, { recursive: true, mode: 0o755, mtime: new Date(FIXED_TIME * 1000) });
  for (const e of fixture) {
    const p = `${WORK}/${e.path}`;
    const owner = "uid" in e && e.uid !== undefined ? { uid: e.uid, gid: e.gid ?? 0 } : undefined;
    const mtime = new Date(("mtime" in e && e.mtime !== undefined ? e.mtime : FIXED_TIME) * 1000);
    if (e.type === "dir") {
      fs.mkdir(p, { recursive: true, mode: e.mode, owner, mtime });
      fs.chmod(p, e.mode);
    } else if (e.type === "file") fs.writeFile(p, typeof e.content === "string" ? Buffer.from(e.content) : e.content, { mode: e.mode, owner, mtime });
    else fs.symlink(e.target, p, { mtime });
  }
  // Children change their directory's mtime: set the fixture's last, as the real side does.
  for (const e of [...fixture].reverse()) {
    if (e.type === "dir") fs.utimes(`${WORK}/${e.path}`, new Date((e.mtime ?? FIXED_TIME) * 1000), new Date((e.mtime ?? FIXED_TIME) * 1000));
  }
  fs.utimes(WORK, new Date(FIXED_TIME * 1000), new Date(FIXED_TIME * 1000));
}

function describeContent(data: Buffer): string {
  return data.length <= 64 ? JSON.stringify(data.toString("latin1")) : createHash("sha256").update(data).digest("hex").slice(0, 16);
}

function snapshotReal(root: string, mtimes: boolean): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const p = rel ? join(root, rel) : root;
    const st = nfs.lstatSync(p);
    const mode = (st.mode & 0o7777).toString(8);
    const t = mtimes ? ` t=${Math.floor(st.mtimeMs / 1000)}` : "";
    const name = rel || ".";
    if (st.isSymbolicLink()) out.push(`${name} l ${nfs.readlinkSync(p)}`);
    else if (st.isDirectory()) {
      out.push(`${name} d ${mode} ${st.uid}:${st.gid}`);
      for (const c of nfs.readdirSync(p).sort()) walk(rel ? `${rel}/${c}` : c);
    } else if (st.isFile()) out.push(`${name} f ${mode} ${st.uid}:${st.gid} n${st.nlink} ${describeContent(nfs.readFileSync(p))}${t}`);
    else out.push(`${name} ? ${mode}`);
  };
  walk("");
  return out;
}

function snapshotSandbox(fs: RootFS, mtimes: boolean): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const p = rel ? `${WORK}/${rel}` : WORK;
    const st = fs.lstat(p);
    const mode = (st.mode & 0o7777).toString(8);
    const t = mtimes ? ` t=${Math.floor(st.mtime.getTime() / 1000)}` : "";
    const name = rel || ".";
    if (st.type === "symlink") out.push(`${name} l ${fs.readlink(p)}`);
    else if (st.type === "dir") {
      out.push(`${name} d ${mode} ${st.uid}:${st.gid}`);
      for (const c of [...fs.readdir(p)].sort()) walk(rel ? `${rel}/${c}` : c);
    } else if (st.type === "file") out.push(`${name} f ${mode} ${st.uid}:${st.gid} n${st.nlink} ${describeContent(fs.readFile(p))}${t}`);
    else out.push(`${name} ? ${mode}`);
  };
  walk("");
  return out;
}

/**
 * Text as the sandbox hands it over: just-bash decodes each command's output as UTF-8 when
 * it is valid, else one character per byte; line by line is the closest the real side gets.
 */
function decode(b: Buffer): string {
  const lines: string[] = [];
  let start = 0;
  while (start <= b.length) {
    let end = b.indexOf(0x0a, start);
    if (end < 0) end = b.length;
    const part = b.subarray(start, end);
    try {
      lines.push(new TextDecoder("utf-8", { fatal: true }).decode(part));
    } catch {
      lines.push(part.toString("latin1"));
    }
    start = end + 1;
  }
  return lines.join("\n");
}

/** Run `cmd` with the real programs of `flavour` in a scratch directory holding `fixture`. */
export function runReal(flavour: Flavour, fixture: FixtureEntry[], cmd: string, opts: RunOptions = {}): Outcome {
  const scratch = nfs.mkdtempSync(join(tmpdir(), "tsbuild-diff-"));
  const root = join(scratch, "w");
  try {
    nfs.mkdirSync(root);
    buildReal(root, fixture);
    nfs.utimesSync(root, FIXED_TIME, FIXED_TIME);
    const bin = flavour === "busybox" ? busyboxBin() : undefined;
    const shell = bin ? join(bin, "sh") : "/bin/dash";
    const env = { PATH: bin ?? PATH, HOME: "/root", TZ: "UTC", ...opts.env };
    const r = spawnSync(shell, ["-c", cmd], { cwd: root, env, input: opts.stdin ?? "", argv0: "/bin/sh", maxBuffer: 64 << 20, timeout: 20_000 });
    const fix = (s: string): string => {
      let t = s.split(root).join(WORK);
      if (bin) t = t.split(`${bin}/`).join("/bin/");
      return t;
    };
    return {
      stdout: fix(decode(r.stdout)),
      stderr: fix(decode(r.stderr)),
      exitCode: r.status ?? 128,
      tree: snapshotReal(root, opts.mtimes ?? false),
    };
  } finally {
    // Fixtures may hold directories without write permission.
    spawnSync("chmod", ["-R", "u+rwx", scratch]);
    nfs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A RootFS shaped like a Debian image as far as program lookup goes: dash as sh, ELF programs. */
async function gnuBase(): Promise<RootFS> {
  const fs = new RootFS({ defaultMtime: new Date("2024-01-01T00:00:00Z") });
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]);
  for (const d of ["/usr/bin", "/usr/sbin", "/etc", "/root", "/tmp"]) fs.mkdir(d, { recursive: true });
  fs.chmod("/tmp", 0o1777);
  fs.chmod("/root", 0o700);
  fs.symlink("usr/bin", "/bin");
  fs.symlink("usr/sbin", "/sbin");
  const busybox = await baseFs("busybox");
  for (const name of busybox.readdir("/bin")) {
    if (name === "busybox" || name === "sh" || name === "ash") continue;
    fs.writeFile(`/usr/bin/${name}`, elf, { mode: 0o755 });
  }
  for (const name of ["dash", "bash", "install", "sha224sum", "sha384sum", "sha512sum", "getent", "xargs", "tac", "stat"]) {
    fs.writeFile(`/usr/bin/${name}`, elf, { mode: 0o755 });
  }
  fs.symlink("dash", "/usr/bin/sh");
  return fs;
}

const bases = new Map<Flavour, Promise<RootFS>>();

/**
 * The real side resolves owners (and a fixture's link to /etc/passwd) with the host's account
 * files: the sandbox gets the same ones.
 */
function hostAccounts(fs: RootFS): RootFS {
  for (const f of ["passwd", "group"]) {
    const st = nfs.statSync(`/etc/${f}`);
    fs.writeFile(`/etc/${f}`, nfs.readFileSync(`/etc/${f}`));
    fs.chown(`/etc/${f}`, { uid: st.uid, gid: st.gid });
    fs.chmod(`/etc/${f}`, st.mode & 0o7777);
  }
  return fs;
}

function base(flavour: Flavour): Promise<RootFS> {
  let b = bases.get(flavour);
  if (!b) {
    b = (flavour === "busybox" ? baseFs("busybox") : gnuBase()).then(hostAccounts);
    bases.set(flavour, b);
  }
  return b;
}

/** Run `cmd` in tsbuild's sandbox over a base image of `flavour` holding `fixture` at /w. */
export async function runSandbox(flavour: Flavour, fixture: FixtureEntry[], cmd: string, opts: RunOptions = {}): Promise<Outcome> {
  const fs = await base(flavour);
  fs.beginStep();
  try {
    buildSandbox(fs, fixture);
    let stdout = "";
    let stderr = "";
    // The container's stdin is /dev/null; a test's input comes from a file outside /w.
    fs.writeFile("/tmp/.stdin", opts.stdin === undefined ? Buffer.alloc(0) : Buffer.from(opts.stdin));
    const r = await runCommand(fs, {
      argv: ["/bin/sh", "-c", `{\n${cmd}\n} < /tmp/.stdin`],
      config: { Env: Object.entries({ PATH, HOME: "/root", ...opts.env }).map(([k, v]) => `${k}=${v}`), WorkingDir: WORK },
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      // ls shows a time instead of the year for the last six months: the real clock on both sides.
      now: () => new Date(),
    });
    return { stdout, stderr, exitCode: r.exitCode, tree: snapshotSandbox(fs, opts.mtimes ?? false) };
  } finally {
    fs.abortStep();
  }
}

/** Both runs, for a test to compare. */
export async function both(flavour: Flavour, fixture: FixtureEntry[], cmd: string, opts: RunOptions = {}): Promise<{ real: Outcome; sim: Outcome }> {
  const real = runReal(flavour, fixture, cmd, opts);
  const sim = await runSandbox(flavour, fixture, cmd, opts);
  return { real, sim };
}

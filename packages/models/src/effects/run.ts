import { posix } from "node:path";
import { isFsError } from "@tsbuild/fs-snapshot";
import type { SimCommandContext } from "@tsbuild/shell";
import { formatBytes, formatCount } from "../format/bytes.js";
import type { CreateDecl, ModelDecl } from "../format/types.js";
import { hasWildcards } from "../match/glob.js";
import type { Template } from "../match/template.js";
import { copyPath, expandWildcards, isDirectory, lexists, writeContent, writePlaceholder } from "./fsops.js";
import { npmLockPackages, pipRequirements, type LockedPackage, type NpmInstallOptions } from "./lockfiles.js";
import { writePackages } from "./packages.js";
import { writeTree } from "./tree.js";

/** A failure of the model itself (a missing input, no place to install to): its message is the user's to read. */
class ModelFailure extends Error {}

/** Everything one run of a model works with. */
interface Run {
  decl: ModelDecl;
  ctx: SimCommandContext;
  vars: Record<string, string>;
  downloads: ReadonlyMap<string, number>;
}

/**
 * Carry out a model for one command: check `needs`, then `removes`, then `creates` in order,
 * then print `stdout`. Notes one line saying what it did (or why it failed).
 */
export async function runModel(decl: ModelDecl, captures: Record<string, string>, downloads: ReadonlyMap<string, number>, ctx: SimCommandContext): Promise<number> {
  const run: Run = { decl, ctx, vars: { ...captures, cwd: ctx.cwd, home: ctx.env.HOME || "/" }, downloads };
  const say = (summary: string) => ctx.note?.(`[tsbuild] ${commandText(ctx.argv)}: simulated by model "${decl.name}" (${decl.source}): ${summary}`);
  for (const need of decl.needs) {
    const paths = need.paths.map((p) => absolute(run, p));
    if (paths.some((p) => expandWildcards(ctx.fs, p).length > 0)) continue;
    ctx.stderr(need.message.endsWith("\n") ? need.message : `${need.message}\n`);
    say(`failed (exit ${need.exitCode}): ${paths.join(" or ")} is missing`);
    return need.exitCode;
  }
  const done: string[] = [];
  try {
    for (const r of decl.removes) {
      for (const p of expandWildcards(ctx.fs, absolute(run, r))) {
        ctx.fs.rm(p, { recursive: true, force: true });
        done.push(`removed ${p}`);
      }
    }
    for (const c of decl.creates) done.push(create(run, c));
  } catch (e) {
    // A model's own failure, or the filesystem refusing (a file where a directory must go):
    // the command fails with the reason; anything else is a bug and propagates.
    if (!(e instanceof ModelFailure) && !isFsError(e)) throw e;
    const message = (e as Error).message;
    ctx.stderr(`${posix.basename(ctx.argv[0])}: ${message} (model "${decl.name}")\n`);
    say(`failed: ${message}`);
    return 1;
  }
  if (decl.stdout) ctx.stdout(decl.stdout.expand(run.vars));
  say(done.length ? done.join("; ") : "no change to the filesystem");
  return 0;
}

function absolute(run: Run, t: Template): string {
  return posix.resolve(run.ctx.cwd, t.expand(run.vars));
}

/** The path a `creates` entry writes to: itself, or the first candidate present in the image. */
function target(run: Run, c: CreateDecl): string {
  const paths = c.paths.map((p) => absolute(run, p));
  if (paths.length === 1 && !hasWildcards(paths[0])) return paths[0];
  for (const p of paths) {
    const found = expandWildcards(run.ctx.fs, p);
    if (found.length) return found[0];
  }
  throw new ModelFailure(`none of ${paths.join(", ")} exists in the image, so there is nowhere to install to`);
}

/** Carry out one `creates` entry; returns its summary ("+12 files, 3.4 MB in /app/dist"). */
function create(run: Run, c: CreateDecl): string {
  const { fs, owner } = run.ctx;
  const to = target(run, c);
  const mode = c.mode ?? 0o644;
  if (c.from) {
    const from = absolute(run, c.from);
    if (!lexists(fs, from)) throw new ModelFailure(`${from}: no such file or directory to copy to ${to}`);
    const w = copyPath(fs, from, to, owner);
    return `${counted(w.files, w.bytes)} ${isDirectory(fs, to) ? "in" : "at"} ${to} (copied from ${from})`;
  }
  if (c.packages) return createPackages(run, c, to);
  if (c.files === undefined) {
    const url = c.download?.expand(run.vars);
    const declared = url === undefined ? undefined : run.downloads.get(url);
    const size = declared ?? c.bytes ?? 0;
    writePlaceholder(fs, to, size, mode, owner);
    const assumed = url !== undefined && declared === undefined ? ` (no size declared for ${url} under "downloads": ${formatBytes(size)} assumed)` : "";
    return `${counted(1, size)} at ${to}${assumed}`;
  }
  const w = writeTree(fs, to, c.files, c.bytes ?? 0, { mode, owner });
  return `${counted(w.files, w.bytes)} in ${to}`;
}

function createPackages(run: Run, c: CreateDecl, to: string): string {
  const { fs, owner } = run.ctx;
  const spec = c.packages!;
  const lockfile = absolute(run, spec.lockfile);
  if (!fs.exists(lockfile) || isDirectory(fs, lockfile)) {
    if (c.files === undefined) throw new ModelFailure(`${lockfile}: no such file (the model sizes the install from it)`);
    const w = writeTree(fs, to, c.files, c.bytes ?? 0, { mode: c.mode ?? 0o644, owner });
    return `${counted(w.files, w.bytes)} in ${to} (no ${posix.basename(lockfile)}: the model's default size)`;
  }
  const packages = readPackages(run, spec.format, lockfile);
  const each = { files: spec.files, bytes: spec.bytes };
  const from = `${formatCount(packages.length)} package${packages.length === 1 ? "" : "s"} from ${posix.basename(lockfile)}`;
  if (spec.layout === "plain") {
    const w = writeTree(fs, to, packages.length * each.files, packages.length * each.bytes, { mode: c.mode ?? 0o644, owner });
    return `${counted(w.files, w.bytes)} in ${to} (${from})`;
  }
  const w = writePackages(fs, to, spec.format, packages, each, owner);
  if (spec.format === "npm") {
    // npm 7+ keeps a copy of the lock in node_modules/.package-lock.json (its "hidden lockfile").
    const hidden = fs.readFile(lockfile);
    writeContent(fs, posix.join(to, ".package-lock.json"), hidden, 0o644, owner);
    w.files += 1;
    w.bytes += hidden.length;
  }
  return `${counted(w.files, w.bytes)} in ${to} (${from})`;
}

function readPackages(run: Run, format: "npm" | "pip", lockfile: string): LockedPackage[] {
  const { fs } = run.ctx;
  try {
    if (format === "npm") return npmLockPackages(fs.readFile(lockfile).toString("utf8"), npmOptions(run));
    return pipRequirements(lockfile, (p) => (fs.exists(p) && !isDirectory(fs, p) ? fs.readFile(p).toString("utf8") : undefined));
  } catch (e) {
    throw new ModelFailure(`${lockfile}: ${(e as Error).message}`);
  }
}

/** npm leaves dev packages out with --omit=dev, --production, --only=prod or NODE_ENV=production. */
function npmOptions(run: Run): NpmInstallOptions {
  const args = run.ctx.argv.slice(1);
  const omitDev =
    args.some((a, i) => a === "--omit=dev" || (a === "--omit" && args[i + 1] === "dev") || a === "--production" || /^--only=prod(uction)?$/.test(a)) ||
    run.ctx.env.NODE_ENV === "production";
  const musl = expandWildcards(run.ctx.fs, "/lib/ld-musl-*").length > 0;
  return { omitDev, platform: { os: "linux", cpu: "x64", libc: musl ? "musl" : "glibc" } };
}

function counted(files: number, bytes: number): string {
  return `+${formatCount(files)} file${files === 1 ? "" : "s"}, ${formatBytes(bytes)}`;
}

/** The command as the note shows it, shortened past 80 characters. */
function commandText(argv: string[]): string {
  const text = argv.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

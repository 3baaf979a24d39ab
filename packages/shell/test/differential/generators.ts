import fc from "fast-check";
import { appendFileSync } from "node:fs";
import { afterAll, expect } from "vitest";
import { both, type FixtureEntry, type Flavour, hasBusybox, hasDash, isRoot, type Outcome, type RunOptions } from "./harness.js";

/** Runs per property: each run executes a batch of commands, so inputs = runs × batch size. */
export const RUNS = Number(process.env.TSBUILD_DIFF_RUNS ?? 10);
/** A fixed seed keeps `pnpm test` deterministic; set TSBUILD_DIFF_SEED to explore. */
export const SEED = Number(process.env.TSBUILD_DIFF_SEED ?? 20261204);

/** Letters, digits, spaces, UTF-8, leading dashes and dots: the names that trip programs up. */
const NAME_CHARS = ["a", "b", "c", "x", "Z", "0", "7", "_", ".", "-", " ", "é", "ü", "日"];

export function nameArb(opts: { ascii?: boolean } = {}): fc.Arbitrary<string> {
  const chars = opts.ascii ? NAME_CHARS.filter((c) => c.charCodeAt(0) < 128) : NAME_CHARS;
  return fc
    .array(fc.constantFrom(...chars), { minLength: 1, maxLength: 6 })
    .map((cs) => cs.join(""))
    .filter((n) => n !== "." && n !== ".." && !n.startsWith("tsbuild"));
}

const WORDS = ["apple", "Banana", "cherry", "date", "10", "2", "-3", "1.5", "x", "", "a b", "éclair", "zeta", "Alpha", "07"];

/** Text of a few lines made of words and numbers, newline-terminated or not. */
export const textArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.tuple(fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 4 }), fc.constantFrom(" ", "  ", "\t", ":")).map(([ws, sep]) => ws.join(sep)),
      { minLength: 0, maxLength: 8 },
    ),
    fc.boolean(),
  )
  .map(([lines, nl]) => (lines.length ? lines.join("\n") + (nl ? "\n" : "") : ""));

export const modeArb: fc.Arbitrary<number> = fc.constantFrom(0o644, 0o600, 0o755, 0o700, 0o640, 0o444, 0o750, 0o4755, 0o2755, 0o1777, 0o000, 0o777);

/**
 * A random tree: files (contents, modes), directories and symlinks at most three levels
 * deep, with distinct names. Directories stay searchable so both sides can list them.
 */
export function treeArb(opts: { ascii?: boolean; owners?: boolean; links?: boolean } = {}): fc.Arbitrary<FixtureEntry[]> {
  const entry = fc.record({
    dir: fc.integer({ min: 0, max: 2 }),
    name: nameArb(opts),
    kind: fc.constantFrom("file", "file", "file", "dir", ...(opts.links === false ? [] : ["symlink" as const])),
    content: textArb,
    mode: modeArb,
    dirMode: fc.constantFrom(0o755, 0o700, 0o775, 0o2755, 0o1777),
    uid: fc.constantFrom(0, 0, 1000, 65534),
    gid: fc.constantFrom(0, 0, 100, 1000),
    target: fc.constantFrom("a", "../x", "/etc/passwd", "missing", "d0"),
  });
  return fc.array(entry, { minLength: 1, maxLength: 8 }).map((raw) => {
    const out: FixtureEntry[] = [{ path: "d0", type: "dir", mode: 0o755 }, { path: "d0/d1", type: "dir", mode: 0o755 }];
    const used = new Set(out.map((e) => e.path));
    const parents = ["", "d0/", "d0/d1/"];
    for (const r of raw) {
      const path = `${parents[r.dir]}${r.name}`;
      if (used.has(path)) continue;
      used.add(path);
      const owner = opts.owners ? { uid: r.uid, gid: r.gid } : {};
      if (r.kind === "dir") out.push({ path, type: "dir", mode: r.dirMode, ...owner });
      else if (r.kind === "symlink") out.push({ path, type: "symlink", target: r.target });
      else out.push({ path, type: "file", mode: r.mode, content: r.content, ...owner });
    }
    return out;
  });
}

/** Shell-quote one word for the commands the tests build. */
export function q(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** Several commands in one run, each followed by its exit status, so one fixture tests many option sets. */
export function batch(cmds: string[]): string {
  return cmds.map((c) => `${c}\necho "[$?]"`).join("\n");
}

export const flavours: Flavour[] = [...(hasBusybox ? (["busybox"] as const) : []), ...(hasDash ? (["gnu"] as const) : [])];

if (!hasBusybox) console.warn("differential tests: /bin/busybox is missing, the busybox flavour is SKIPPED (apt-get install busybox-static)");
if (!hasDash) console.warn("differential tests: /bin/dash is missing, the GNU flavour is SKIPPED");
if (!isRoot) console.warn("differential tests: not running as root, the file and archive programs are SKIPPED (a RUN step runs as root)");

/** Counts per program × option set, for the README's coverage table. */
export const coverage = new Map<string, number>();

export function count(key: string, n = 1): void {
  coverage.set(key, (coverage.get(key) ?? 0) + n);
}

// TSBUILD_DIFF_REPORT=FILE appends "program option [flavour]\tinputs" lines (README's figures).
afterAll(() => {
  const file = process.env.TSBUILD_DIFF_REPORT;
  if (file) appendFileSync(file, [...coverage].map(([k, n]) => `${k}\t${n}\n`).join(""));
});

export interface Normalize {
  /** Replacements applied to stdout, stderr and the tree of both sides (random names). */
  replace?: Array<[RegExp, string]>;
}

function normalize(o: Outcome, n: Normalize | undefined): Outcome {
  if (!n?.replace) return o;
  const f = (s: string) => n.replace?.reduce((t, [re, to]) => t.replace(re, to), s) ?? s;
  return { stdout: f(o.stdout), stderr: f(o.stderr), exitCode: o.exitCode, tree: o.tree.map(f).sort() };
}

/** Run `cmd` both ways and require the same stdout, stderr, exit status and tree. */
export async function same(flavour: Flavour, fixture: FixtureEntry[], cmd: string, opts: RunOptions & Normalize = {}): Promise<void> {
  const { real, sim } = await both(flavour, fixture, cmd, opts);
  if (process.env.TSBUILD_DIFF_DEBUG && JSON.stringify(normalize(sim, opts)) !== JSON.stringify(normalize(real, opts))) {
    for (const k of ["stdout", "stderr", "exitCode", "tree"] as const) {
      const a = JSON.stringify(normalize(real, opts)[k]);
      const b = JSON.stringify(normalize(sim, opts)[k]);
      if (a !== b) console.log(`DIFF ${flavour} ${JSON.stringify(cmd)} ${k}\n  real: ${a}\n  sim:  ${b}\n  fixture: ${JSON.stringify(fixture)}`);
    }
  }
  expect({ cmd, ...normalize(sim, opts) }).toEqual({ cmd, ...normalize(real, opts) });
}

/** fast-check's assertion with the suite's run count and seed. */
export function check<T>(arb: fc.Arbitrary<T>, body: (v: T) => Promise<void>, runs = RUNS): Promise<void> {
  return fc.assert(
    fc.asyncProperty(arb, body),
    { numRuns: runs, seed: SEED, endOnFailure: true },
  );
}

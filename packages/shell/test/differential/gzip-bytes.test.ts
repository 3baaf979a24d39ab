import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { busyboxGzip, gnuGzip } from "@tsbuild/archive";
import { afterAll, describe, expect, it } from "vitest";
import { cleanupHarness, type FixtureEntry, hasBusybox, isRoot } from "./harness.js";
import { batch, check, count, flavours, RUNS, same, SEED } from "./generators.js";

afterAll(cleanupHarness);

/**
 * gzip's compressed bytes, compared byte for byte with the real programs: first the deflate
 * engine itself (@tsbuild/archive) against /bin/gzip and /bin/busybox gzip over generated
 * inputs at every level, then the applets in the sandbox (names, mtimes, -n/-N/-k/-c, stdin,
 * several files, tar -z) against the same programs run in a scratch directory.
 */

const GZIP = "/bin/gzip";
const hasGzip = existsSync(GZIP);
if (!hasGzip) console.warn("gzip byte tests: /bin/gzip is missing, GNU gzip's bytes are NOT compared (apt-get install gzip)");
if (!hasBusybox) console.warn("gzip byte tests: /bin/busybox is missing, busybox gzip's bytes are NOT compared (apt-get install busybox-static)");

/** A small deterministic generator, so that a fast-check seed stands for a large input. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const WORDS = ["the", "gzip", "layer", "RUN", "apk", "add", "--no-cache", "\n", " ", "/usr/lib/", "0.1.2", "é", "日本", "\t", "{}", "a"];

type Kind = "empty" | "tiny" | "text" | "repetitive" | "random" | "mixed";

/** Inputs of the shapes that take different paths through deflate: stored, static and dynamic blocks, window slides. */
function makeInput(kind: Kind, size: number, seed: number): Buffer {
  const rnd = prng(seed);
  if (kind === "empty") return Buffer.alloc(0);
  const out = Buffer.alloc(size);
  if (kind === "random" || kind === "tiny") {
    for (let i = 0; i < size; i++) out[i] = (rnd() * 256) | 0;
    return out;
  }
  if (kind === "repetitive") {
    const unit = Buffer.from(Array.from({ length: 1 + ((rnd() * 40) | 0) }, () => 97 + ((rnd() * 3) | 0)));
    for (let i = 0; i < size; i++) out[i] = rnd() < 0.002 ? (rnd() * 256) | 0 : unit[i % unit.length];
    return out;
  }
  // text: words; mixed: text with runs of random bytes (binary sections of a tar, say).
  let at = 0;
  while (at < size) {
    if (kind === "mixed" && rnd() < 0.05) {
      const n = Math.min(size - at, (rnd() * 3000) | 0);
      for (let i = 0; i < n; i++) out[at++] = (rnd() * 256) | 0;
      continue;
    }
    at += out.write(WORDS[(rnd() * rnd() * WORDS.length) | 0], at);
  }
  return out;
}

const SIZES: Record<Kind, [number, number]> = {
  empty: [0, 0], tiny: [1, 16], text: [10, 5000], repetitive: [100, 100_000], random: [1, 70_000], mixed: [60_000, 300_000],
};

const inputArb = fc
  .record({ kind: fc.constantFrom<Kind>("empty", "tiny", "text", "text", "repetitive", "random", "mixed", "mixed"), seed: fc.integer({ min: 1 }), at: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ kind, seed, at }) => {
    const [lo, hi] = SIZES[kind];
    return { kind, data: makeInput(kind, Math.floor(lo + at * (hi - lo)), seed) };
  });

const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9];

let scratch: string | undefined;
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/**
 * The real programs' output at every level, from one shell per input (spawning 18 programs
 * one by one costs more than the comparison): gzip reads the input from a pipe, as in `| gzip`.
 */
function realOutputs(data: Buffer): { gnu: Buffer[]; busybox: Buffer[] } {
  scratch ??= mkdtempSync(join(tmpdir(), "tsbuild-gzbytes-"));
  const script = LEVELS.map((l) => `${hasGzip ? `${GZIP} -${l} -n -c < in | cat > g${l}; ` : ""}${hasBusybox ? `cat in | /bin/busybox gzip -${l} -c > b${l}; ` : ""}`).join("\n");
  writeFileSync(join(scratch, "in"), data);
  const r = spawnSync("/bin/sh", ["-c", script], { cwd: scratch });
  if (r.status !== 0) throw new Error(`real gzip failed: ${r.stderr}`);
  const read = (p: string) => (existsSync(join(scratch as string, p)) ? readFileSync(join(scratch as string, p)) : Buffer.alloc(0));
  return { gnu: LEVELS.map((l) => read(`g${l}`)), busybox: LEVELS.map((l) => read(`b${l}`)) };
}

/** busybox-static as Debian builds it (no FEATURE_GZIP_LEVELS), the one on this machine. */
const DEBIAN_BUSYBOX = { gzipFast: 2, levels: false } as const;

const tally = { inputs: 0, compared: 0, identical: 0 };
afterAll(() => {
  if (tally.compared) console.log(`gzip engine: ${tally.inputs} inputs, ${tally.compared} (input, level, program) comparisons, ${tally.identical} byte-identical`);
});

function compare(data: Buffer, mine: Uint8Array, real: Buffer, what: string): void {
  tally.compared++;
  const same = Buffer.compare(Buffer.from(mine), real) === 0;
  if (same) tally.identical++;
  else {
    let i = 0;
    while (i < real.length && real[i] === mine[i]) i++;
    expect.fail(`${what}: ${data.length}-byte input differs from the real program's output at byte ${i} (${mine.length} vs ${real.length} bytes)`);
  }
}

describe("gzip's deflate: the engine's bytes are the real programs'", () => {
  it.skipIf(!hasGzip && !hasBusybox)("every level, generated inputs (empty, tiny, text, repetitive, random, > 64 KiB)", async () => {
    await check(inputArb, async ({ kind, data }) => {
      tally.inputs++;
      const real = realOutputs(data);
      for (const level of LEVELS) {
        if (hasGzip) compare(data, gnuGzip(data, { level }), real.gnu[level - 1], `GNU gzip -${level} -n (${kind})`);
        if (hasBusybox) compare(data, busyboxGzip(data, { level, build: DEBIAN_BUSYBOX }), real.busybox[level - 1], `busybox gzip -${level} (${kind})`);
      }
    }, RUNS + 5);
  });

  it.skipIf(!hasGzip && !hasBusybox)("inputs over 1 MiB (several window slides and blocks)", () => {
    for (const [kind, seed, level] of [["mixed", SEED, 6], ["repetitive", SEED + 2, 1]] as const) {
      const data = makeInput(kind, 1_100_000 + (seed % 5000), seed);
      tally.inputs++;
      const real = realOutputs(data);
      if (hasGzip) compare(data, gnuGzip(data, { level }), real.gnu[level - 1], `GNU gzip -${level} -n (${kind}, 1 MiB)`);
      if (hasBusybox) compare(data, busyboxGzip(data, { level, build: DEBIAN_BUSYBOX }), real.busybox[level - 1], `busybox gzip (${kind}, 1 MiB)`);
    }
  });
});

const NAMES = ["f.txt", "é ü.txt", "日本", "a b", "x.tar"];
const MTIMES = [1_700_000_000, 1, 0, 4_294_967_295, 4_294_967_300, 86_400];

const fileArb = fc.record({
  input: inputArb.filter((i) => i.data.length < 150_000),
  name: fc.constantFrom(...NAMES),
  mtime: fc.constantFrom(...MTIMES),
  other: fc.constantFrom("", "second file\n", "x".repeat(5000)),
});

const OPTIONS = ["", "-1", "-2", "-3", "-4", "-5", "-7", "-8", "-9", "-n", "-N", "-k", "-f", "-9 -n", "-1 -k", "-n -k -5", "-9 -5", "-3 -1", "-m", "-n -M", "-v", "-v -k", "-9 -v -n"];

describe.skipIf(!isRoot)("gzip applets: compressed files and streams are the real programs' bytes", () => {
  for (const flavour of flavours) {
    it(`gzip, gunzip, zcat, tar -z (${flavour})`, async () => {
      // busybox's getopt string has no -N, -m, -M.
      const options = OPTIONS.filter((o) => flavour === "gnu" || !/[NmM]/.test(o));
      const arb = fc.tuple(fileArb, fc.array(fc.constantFrom(...options), { minLength: 1, maxLength: 3 }));
      await check(arb, async ([f, opts]) => {
        const fixture: FixtureEntry[] = [
          { path: f.name, type: "file", mode: 0o640, content: f.input.data, mtime: f.mtime },
          { path: "g", type: "file", mode: 0o644, content: f.other },
        ];
        const n = `'${f.name}'`;
        const cmds: string[] = [];
        for (const o of opts) {
          count(`gzip ${o || "(none)"} FILE / -c / pipe [${flavour}]`);
          cmds.push(
            // the file, its name and mtime in the header, the result's mode and time
            `gzip ${o} ${n}; gunzip ${o.includes("-k") ? "-f " : ""}${n}.gz`,
            `gzip ${o} -c ${n} > out1.gz`,
            `cat ${n} | gzip ${o} > out2.gz`,
            `gzip ${o} -c ${n} g > out3.gz; zcat out3.gz | md5sum`,
          );
          // -v's ratios, and -t -v
          if (o.includes("-v")) cmds.push("gunzip -v -c out1.gz | md5sum; gzip -t -v out1.gz; cp out1.gz v.gz; gunzip -v v.gz; rm -f v");
        }
        count(`tar czf (pipes through gzip) [${flavour}]`);
        // The tars' own bytes are compared elsewhere; here: tar -z is `gzip` over the tar.
        cmds.push(`tar czf a.tgz ${n} g && gunzip -c a.tgz > a.tar && gzip -n -c a.tar | cmp - a.tgz && echo same; rm -f a.tgz a.tar`);
        await same(flavour, fixture, batch(cmds));
      }, RUNS);
    });
  }

  // gunzip's output time: GNU keeps the .gz file's, busybox takes the header's MTIME when set.
  it.each(flavours)("gunzip (%s): the decompressed file's mtime", async (flavour) => {
    await check(fc.tuple(inputArb.filter((i) => i.data.length < 100_000), fc.constantFrom(0, 1_234_567_890, 86_400)), async ([i, mtime]) => {
      count(`gunzip FILE.gz (header mtime) [${flavour}]`);
      const gz = Buffer.from(gnuGzip(i.data, { name: "x", mtime }));
      const fixture: FixtureEntry[] = [{ path: "x.gz", type: "file", mode: 0o600, content: gz, mtime: 1_600_000_000 }];
      // The directory's time is the clock's; so is busybox's output's when MTIME is 0.
      const clock: Array<[RegExp, string]> = [[/^(\. d .*) t=\d+$/, "$1"], ...(mtime === 0 && flavour === "busybox" ? [[/^(x f .*) t=\d+$/, "$1"] as [RegExp, string]] : [])];
      await same(flavour, fixture, "gunzip x.gz; echo $?; md5sum x", { mtimes: true, replace: clock });
    }, RUNS);
  });

  // GNU gzip (and the gzip GNU tar runs) reads options from $GZIP, with a deprecation warning.
  it.skipIf(!flavours.includes("gnu"))("GNU gzip's $GZIP: levels, -n/-N, -q, the warning and rejected options", async () => {
    const arb = fc.tuple(fileArb, fc.constantFrom("-9", "-n -1", "--best", "-q -3", "-9q", "-c", "x", "--stdout", "-N", " ", "-- -9"));
    await check(arb, async ([f, gz]) => {
      count(`gzip with GZIP=${JSON.stringify(gz)} [gnu]`);
      const fixture: FixtureEntry[] = [{ path: "f", type: "file", mode: 0o644, content: f.input.data, mtime: 1_700_000_000 }];
      const cmds = ["gzip -c f > o.gz", "gzip -1 -c f > p.gz", "zcat o.gz | md5sum"];
      // The tar inside differs (see README): its gzip layer and messages are compared. When
      // gzip rejects $GZIP, whether tar also reports a short write is a race: not compared.
      if (!["-c", "x", "--stdout", "-- -9"].includes(gz)) {
        cmds.push("tar czf a.tgz f; gunzip -c a.tgz > a.tar && gzip -n -c a.tar | cmp - a.tgz && echo same; rm -f a.tar a.tgz");
      }
      await same("gnu", fixture, batch(cmds), { env: { GZIP: gz } });
    }, RUNS);
  });
});

#!/usr/bin/env node
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { compose, type Family } from "./compose.js";
import { writeComposition } from "./write.js";

/** tsbuild-generate OUT_DIR --seed S --count N [--from I] [--buildkit] [--family F]: writes N generated cases into OUT_DIR (--family buildkit: BuildKit-only syntax). */
function main(argv: string[]): number {
  const opt = (name: string, dflt: number) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv.splice(i, 2)[1]) : dflt;
  };
  const seed = opt("--seed", 1);
  const count = opt("--count", 50);
  const from = opt("--from", 0);
  const fi = argv.indexOf("--family");
  const family = fi >= 0 ? (argv.splice(fi, 2)[1] as Family) : undefined;
  const bk = argv.indexOf("--buildkit");
  const buildkit = bk >= 0 && argv.splice(bk, 1).length > 0;
  const [out] = argv;
  if (!out || !Number.isInteger(seed) || !Number.isInteger(count)) {
    process.stderr.write("usage: tsbuild-generate OUT_DIR [--seed S] [--count N] [--from I] [--buildkit] [--family F]\n");
    return 2;
  }
  mkdirSync(resolve(out), { recursive: true });
  for (let i = from; i < from + count; i++) {
    const c = compose(seed, i, family);
    // The same compositions, built by Docker's BuildKit and tsbuild's BuildKit mode.
    if (buildkit) c.case = { ...c.case, builder: "buildkit" };
    writeComposition(resolve(out), c);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));

#!/usr/bin/env node
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { caseNames, runCase } from "./run-case.js";

/** pnpm conformance CASES_DIR OUT_DIR [CASE...]: writes OUT_DIR/<case>/actual.json for compare.py. */
async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const basesAt = args.indexOf("--bases");
  const basesArg = basesAt >= 0 ? args.splice(basesAt, 2)[1] : undefined;
  const [casesArg, outArg, ...only] = args;
  if (!casesArg || !outArg) {
    process.stderr.write("usage: tsbuild-conformance CASES_DIR OUT_DIR [CASE...] [--bases DIR (default CASES_DIR/../base)]\n");
    return 2;
  }
  const cases = resolve(casesArg);
  const out = resolve(outArg);
  const bases = resolve(basesArg ?? join(cases, "..", "base"));
  const names = caseNames(cases).filter((n) => only.length === 0 || only.includes(n));
  let failed = 0;
  for (const name of names) {
    let actual: Record<string, unknown>;
    try {
      actual = await runCase(join(cases, name), bases);
    } catch (e) {
      failed++;
      actual = { builder: "tsbuild", exit_code: 1, steps: [], error: [`runner: ${(e as Error).message}`] };
      process.stderr.write(`${name}: ${(e as Error).stack}\n`);
    }
    mkdirSync(join(out, name), { recursive: true });
    writeFileSync(join(out, name, "actual.json"), JSON.stringify(actual, null, 1) + "\n");
    process.stdout.write(`${name}: exit ${actual.exit_code}\n`);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((c) => (process.exitCode = c));

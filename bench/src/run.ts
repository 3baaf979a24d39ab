import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bigBaseBenchmark } from "./benchmarks/big-base.js";
import { bigContextBenchmark } from "./benchmarks/big-context.js";
import { corpusBenchmarks } from "./benchmarks/corpus.js";
import { inProcessBenchmark } from "./benchmarks/in-process.js";
import { realWorldBenchmark } from "./benchmarks/real-world.js";
import type { BenchContext } from "./lib/context.js";
import { Docker } from "./lib/docker.js";
import { describeMachine } from "./lib/machine.js";
import { conformanceDir } from "./lib/paths.js";
import { markdown, mark, printResult, type BenchResult } from "./lib/report.js";

const USAGE = `usage: pnpm bench [--runs N] [--only 1,2,3,4,5,7] [--no-docker] [--out FILE]

  --runs N      repetitions of each measurement (default 3); figures are medians
  --only LIST   run only these benchmarks (1+2 corpus, 3 big context, 4 big base, 5 in-process,
                7 real-world: network, minutes; 6, peak memory, is measured by 3 and 4)
  --no-docker   skip the Docker baselines even when a dockerd is reachable
  --out FILE    also write the figures as Markdown tables (as in bench/README.md) to FILE
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      only: { type: "string" },
      "no-docker": { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not ${values.runs}`);
  const only = new Set((values.only ?? "1,2,3,4,5").split(",").map((s) => Number(s.trim())));
  const docker = values["no-docker"] ? "disabled with --no-docker" : await Docker.connect();
  if (!(docker instanceof Docker)) process.stderr.write(`Docker baselines skipped: ${docker}\n`);

  const conformance = conformanceDir();
  if (!existsSync(join(conformance, "cases")) || !existsSync(join(conformance, "base"))) {
    throw new Error(`the conformance corpus is not at ${conformance} (cases/ and base/); set TSBUILD_CONFORMANCE to its directory`);
  }
  const work = mkdtempSync(join(tmpdir(), "tsbuild-bench-"));
  const ctx: BenchContext = { runs, docker, work, conformance, log: (l) => process.stderr.write(`… ${l}\n`) };
  const cleanup = async () => {
    if (docker instanceof Docker) for (const p of await docker.cleanup()) process.stderr.write(`docker cleanup: ${p}\n`);
    rmSync(work, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    process.stderr.write("interrupted: cleaning up\n");
    void cleanup().finally(() => process.exit(130));
  });

  const results: BenchResult[] = [];
  const write = (s: string) => process.stdout.write(s);
  try {
    const machine = await describeMachine(docker);
    write("# tsbuild benchmarks\n");
    for (const [k, v] of machine) write(`  ${k}: ${v}\n`);
    const steps: Array<[number, () => Promise<BenchResult | BenchResult[]>]> = [
      [1, () => corpusBenchmarks(ctx)],
      [3, () => bigContextBenchmark(ctx)],
      [4, () => bigBaseBenchmark(ctx)],
      [5, () => inProcessBenchmark(ctx)],
      [7, () => realWorldBenchmark(ctx)],
    ];
    for (const [id, bench] of steps) {
      if (!only.has(id) && !(id === 1 && only.has(2))) continue;
      const out = [await bench()].flat();
      for (const r of out) {
        results.push(r);
        printResult(r, write);
      }
    }
    write("\n## Targets\n");
    for (const r of results) for (const t of r.targets) write(`  ${mark(t.met)} ${r.id}. ${t.name}: ${t.detail}\n`);
    if (values.out) {
      writeFileSync(values.out, `# Figures of ${new Date().toISOString()}\n\n${markdown(results, machine)}`);
      write(`\nfigures written to ${values.out}\n`);
    }
  } finally {
    await cleanup();
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    process.stderr.write(`bench: ${e.message}\n`);
    process.exitCode = 1;
  },
);

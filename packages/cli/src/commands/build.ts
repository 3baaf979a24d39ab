import { parseMemory } from "@tsbuild/archive";
import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { build, BuildError } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import { humanSize } from "@tsbuild/store";
import type { Command, Io } from "../command.js";
import { UsageError } from "../command.js";
import { storeFor } from "../store-root.js";
import { cacheReport } from "../cache-report.js";
import { Progress } from "../progress.js";

export const buildCommand: Command = {
  name: "build",
  summary: "Build an image from a Dockerfile",
  usage: "build [OPTIONS] PATH | -",
  options: {
    file: { type: "string", short: "f" },
    tag: { type: "string", short: "t", multiple: true },
    "build-arg": { type: "string", multiple: true },
    target: { type: "string" },
    "no-cache": { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    root: { type: "string" },
    reproducible: { type: "boolean" },
    "explain-cache": { type: "boolean" },
    explain: { type: "boolean" },
    "run-timeout": { type: "string" },
    memory: { type: "string", short: "m" },
    "force-rm": { type: "boolean" },
    rm: { type: "boolean" },
  },
  async run({ values, positionals, io }) {
    if (positionals.length !== 1) throw new UsageError(`"tsbuild build" requires exactly 1 argument.\nSee 'tsbuild build --help'.\n\nUsage:  tsbuild build [OPTIONS] PATH | -`);
    memoryBudget(values.memory as string | undefined);
    const store = storeFor(values, io);
    const fromStdin = positionals[0] === "-";
    const dir = fromStdin ? "" : resolve(io.cwd, positionals[0]);
    const file = values.file as string | undefined;
    const context = fromStdin ? await BuildContext.fromTar(io.stdin) : await BuildContext.fromDirectory(dir, contextDockerfile(dir, file, io));
    const dockerfileText = file && !fromStdin && !insideContext(dir, file, io) ? readDockerfile(resolve(io.cwd, file)) : undefined;
    const quiet = Boolean(values.quiet);
    const progress = io.isTTY && !quiet ? new Progress({ write: io.stderr }) : undefined;
    const out = (s: string) => {
      progress?.output(s);
      if (!quiet) io.stdout(s);
    };
    if (!quiet) out(`Sending build context to Docker daemon  ${humanSize(contextBytes(context), 4)}\n`);
    try {
      const result = await build({
        store,
        context,
        dockerfileText,
        dockerfileName: file ?? "Dockerfile",
        tags: (values.tag as string[] | undefined) ?? [],
        buildArgs: parseBuildArgs((values["build-arg"] as string[] | undefined) ?? [], io),
        target: values.target as string | undefined,
        noCache: Boolean(values["no-cache"]),
        output: out,
        sourceDateEpoch: epoch(values, io),
        runLimits: runLimits(values),
      });
      progress?.stop();
      if (quiet) io.stdout(result.imageId + "\n");
      if (values["explain-cache"]) io.stdout(cacheReport(result.steps));
      if (values.explain) {
        io.stdout("\n");
        const { printExplanation } = await import("@tsbuild/explain");
        await printExplanation(store, result.imageId, io.stdout, { color: io.isTTY });
      }
      return 0;
    } catch (e) {
      progress?.stop();
      if (e instanceof BuildError) {
        io.stderr(e.message + "\n");
        return e.exitCode || 1;
      }
      throw e;
    }
  },
};

function contextDockerfile(dir: string, file: string | undefined, io: Io): { dockerfile?: string } {
  if (!file) return {};
  const abs = resolve(io.cwd, file);
  return insideContext(dir, file, io) ? { dockerfile: abs.slice(dir.length + 1) } : {};
}

function insideContext(dir: string, file: string, io: Io): boolean {
  const abs = isAbsolute(file) ? file : resolve(io.cwd, file);
  return abs.startsWith(join(dir, "/"));
}

function readDockerfile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path}: no such file or directory`);
  }
}

/** --build-arg K=V, or K alone to take the value from the environment (Docker's rule). */
function parseBuildArgs(list: string[], io: Io): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const i = a.indexOf("=");
    if (i >= 0) out[a.slice(0, i)] = a.slice(i + 1);
    else if (io.env[a] !== undefined) out[a] = io.env[a]!;
  }
  return out;
}

/** --run-timeout SECONDS: a RUN that runs longer is stopped with an error (a runaway loop never hangs the build). */
function runLimits(values: Record<string, unknown>): { timeoutMs?: number } | undefined {
  const v = values["run-timeout"] as string | undefined;
  if (v === undefined) return undefined;
  const secs = Number(v);
  if (!Number.isFinite(secs) || secs <= 0) throw new UsageError(`invalid --run-timeout "${v}": give a number of seconds`);
  return { timeoutMs: Math.round(secs * 1000) };
}

function epoch(values: Record<string, unknown>, io: Io): number | undefined {
  const env = io.env.SOURCE_DATE_EPOCH;
  if (env !== undefined && env !== "") {
    if (!/^\d+$/.test(env)) throw new UsageError(`invalid SOURCE_DATE_EPOCH: ${env}`);
    return Number(env);
  }
  return values.reproducible ? 0 : undefined;
}

function contextBytes(ctx: BuildContext): number {
  return ctx.entries().reduce((n, e) => n + 512 + Math.ceil(e.size / 512) * 512, 1024);
}

/**
 * --memory (Docker's notation, 512m, 2g): the budget decompression and archives are held to
 * (ADD, `build -`), read by @tsbuild/archive from TSBUILD_MEMORY for the rest of the process.
 */
function memoryBudget(value: string | undefined): void {
  if (value === undefined) return;
  if (parseMemory(value) === undefined) throw new UsageError(`invalid --memory "${value}": give a size such as 512m or 2g`);
  process.env.TSBUILD_MEMORY = value;
}

import { parseMemory } from "@tsbuild/archive";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildImage, BuildError } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import { CacheFromSources, type ImageStore } from "@tsbuild/store";
import { humanSize } from "@tsbuild/dockerfmt";
import { InvalidReferenceError, parseNamed } from "@tsbuild/image";
import type { Command, Io } from "../command.js";
import { UsageError, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";
import { storeFromSums } from "../from-sums.js";
import { cacheReport } from "../cache-report.js";
import { Progress } from "../progress.js";
import { pullBaseImages, registrySource } from "../registry-base.js";
import { parseBuildContexts } from "../build-contexts.js";
import { networkMode, parseSecrets, progressMode, sourceDateEpoch, withLabels, writeIidFile, type Secret } from "../build-flags.js";

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
    buildkit: { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    root: { type: "string" },
    reproducible: { type: "boolean" },
    "explain-cache": { type: "boolean" },
    explain: { type: "boolean" },
    "run-timeout": { type: "string" },
    memory: { type: "string", short: "m" },
    "force-rm": { type: "boolean" },
    rm: { type: "boolean" },
    label: { type: "string", multiple: true },
    iidfile: { type: "string" },
    progress: { type: "string" },
    network: { type: "string" },
    platform: { type: "string" },
    pull: { type: "boolean" },
    offline: { type: "boolean" },
    secret: { type: "string", multiple: true },
    "build-context": { type: "string", multiple: true },
    "cache-from": { type: "string", multiple: true },
  },
  async run({ values, positionals, io }) {
    checkArgCount(buildCommand, positionals.length, 1);
    memoryBudget(values.memory as string | undefined);
    const flags = scriptFlags(values, io.cwd);
    const store = storeFor(values, io);
    const fromStdin = positionals[0] === "-";
    const dir = fromStdin ? "" : resolve(io.cwd, positionals[0]);
    const file = values.file as string | undefined;
    // The Dockerfile is part of the context, as the docker CLI sends it: with a directory, -f is
    // resolved against the working directory and a Dockerfile outside the context (or `-f -`, read
    // from stdin) is added to it under a random name; with a tar on stdin, -f names a path in the tar.
    if (fromStdin && file === "-") throw new Error("invalid argument: can't use stdin for both build context and dockerfile");
    const sumCache = store.root && join(store.root, "tsbuild", "context-sums");
    const context = fromStdin
      ? await BuildContext.fromTar(io.stdin, file ? { dockerfile: file } : {})
      : await BuildContext.fromDirectory(dir, { ...(file === "-" ? { dockerfileContent: await readAll(io.stdin) } : file ? { dockerfile: resolve(io.cwd, file) } : {}), sumCache });
    const dockerfileText = flags.labels.length ? withLabels(context.dockerfileText(), flags.labels, values.target as string | undefined) : undefined;
    const tags = (values.tag as string[] | undefined) ?? [];
    // Docker's CLI checks every -t before it sends anything.
    for (const t of tags) {
      try {
        parseNamed(t);
      } catch (e) {
        if (e instanceof InvalidReferenceError) {
          const msg = `invalid argument ${JSON.stringify(t)} for "-t, --tag" flag: ${e.message}\nSee 'tsbuild build --help'.`;
          throw Object.assign(new UsageError(msg), { exitCode: 125 });
        }
        throw e;
      }
    }
    const quiet = Boolean(values.quiet);
    const progress = (flags.progress === "tty" || (flags.progress === "auto" && io.isTTY)) && !quiet ? new Progress({ write: io.stderr }) : undefined;
    const out = (s: string) => {
      progress?.output(s);
      if (!quiet) io.stdout(s);
    };
    const buildkit = buildkitWanted(values, io);
    // The classic builder's upload line; BuildKit reports its own progress.
    if (!quiet && !buildkit) out(`Sending build context to Docker daemon  ${humanSize(contextBytes(context), 4)}\n`);
    const namedContexts = await parseBuildContexts(values["build-context"] as string[] | undefined, io.cwd, buildkit);
    const buildArgs = parseBuildArgs((values["build-arg"] as string[] | undefined) ?? [], io);
    const registry = { store, io, output: out, offline: Boolean(values.offline), platform: values.platform as string | undefined };
    try {
      if (values.pull) await pullBaseImages(dockerfileText ?? context.dockerfileText(), buildArgs, registry);
      const result = await buildImage({
        ...flags.passThrough,
        store,
        context,
        dockerfileName: file ?? "Dockerfile",
        dockerfileText,
        tags,
        buildArgs,
        target: values.target as string | undefined,
        noCache: Boolean(values["no-cache"]),
        buildkit,
        output: out,
        sourceDateEpoch: sourceDateEpoch(values, io),
        runLimits: { ...runLimits(values), watchdog: true },
        sources: [registrySource(registry)],
        offline: values.offline ? true : undefined,
        ...(io.env.TSBUILD_CONTENT_DIR ? { contentDir: io.env.TSBUILD_CONTENT_DIR } : {}),
        cacheFrom: cacheFromSources(store, values["cache-from"] as string[] | undefined),
        namedContexts,
        ...(store.root ? { fromSums: storeFromSums(store.root) } : {}),
      });
      progress?.stop();
      writeIidFile(flags.iidfile, result.imageId);
      if (quiet) io.stdout(result.imageId + "\n");
      if (values["explain-cache"]) io.stdout(cacheReport(result.steps));
      if (values.explain) {
        io.stdout("\n");
        const { printExplanation } = await import("../stored-image.js");
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

/**
 * The flags users carry over from `docker build` scripts. --network, --platform, --pull and
 * --secret are handed to the builder as option fields (their effect is the builder's and the
 * registry's); --label, --iidfile and --progress take effect here.
 */
function scriptFlags(values: Record<string, unknown>, cwd: string) {
  const passThrough: { network?: "default" | "host" | "none"; platform?: string; pull?: boolean; secrets?: Secret[] } = {};
  const network = networkMode(values.network);
  if (network) passThrough.network = network;
  if (values.platform !== undefined) passThrough.platform = values.platform as string;
  if (values.pull) passThrough.pull = true;
  const secrets = parseSecrets(values.secret as string[] | undefined);
  // Paths are the user's, relative to where the command runs.
  if (secrets.length) passThrough.secrets = secrets.map((s) => (s.src === undefined ? s : { ...s, src: resolve(cwd, s.src) }));
  const iidfile = values.iidfile === undefined ? undefined : resolve(cwd, values.iidfile as string);
  // Docker removes a stale iidfile first, so a failed build never leaves the previous ID behind.
  if (iidfile) rmSync(iidfile, { force: true });
  return { passThrough, labels: (values.label as string[] | undefined) ?? [], progress: progressMode(values.progress), iidfile };
}

/**
 * `--cache-from NAME`: the named images (pull them first, as with Docker's classic builder) may
 * serve steps; a name the store lacks is skipped, as dockerd skips it with a log line.
 */
function cacheFromSources(store: ImageStore, names: string[] | undefined): CacheFromSources | undefined {
  if (!names?.length) return undefined;
  const ids = names.map((n) => store.resolve(n)).filter((id): id is NonNullable<typeof id> => id !== undefined);
  return new CacheFromSources(store, ids);
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

/** BuildKit mode: --buildkit, or DOCKER_BUILDKIT=1 as users set it for docker; the classic builder otherwise. */
function buildkitWanted(values: Record<string, unknown>, io: Io): boolean {
  if (values.buildkit) return true;
  const env = io.env.DOCKER_BUILDKIT;
  if (env === undefined || env === "") return false;
  if (/^(1|true)$/i.test(env)) return true;
  if (/^(0|false)$/i.test(env)) return false;
  throw new UsageError(`DOCKER_BUILDKIT environment variable expects boolean value: strconv.ParseBool: parsing ${JSON.stringify(env)}: invalid syntax`);
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

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

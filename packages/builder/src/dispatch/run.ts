import { defaultMemoryLimit } from "@tsbuild/archive";
import type { Instruction, InstructionOf, RunMount } from "@tsbuild/parser";
import type { RootFS } from "@tsbuild/fs-snapshot";
import type { CommandModel } from "@tsbuild/shell";
import type { BuildRun } from "../builder.js";
import { StepError, type FileStep } from "../step.js";
import { requiresBuildKit } from "../classic.js";
import { placeSecrets, removeSecrets, type PlacedSecret } from "../buildkit/secrets.js";
import { keepCaches, mountInputs, prepareMounts, type PreparedMounts } from "../buildkit/mounts.js";
import { allowedArgs, copyConfig, shellOf, type StageState } from "../state.js";
import { VertexLog } from "../buildkit/vertex-log.js";

/** The command line Docker execs: exec form as given, shell form through SHELL. */
export function commandLine(state: StageState, ins: Instruction): string[] {
  if (ins.json) return [...ins.args];
  const script = ins.heredocs.length ? heredocScript(ins) : ins.args.join(" ");
  return [...shellOf(state), script];
}

/** BuildKit runs `RUN <<EOF` bodies as the script; the classic builder never sees them. */
function heredocScript(ins: Instruction): string {
  const line = ins.args.join(" ");
  const first = ins.heredocs[0];
  if (line.trim().match(/^<<-?["']?\w+["']?$/)) return first.content;
  return [line, ...ins.heredocs.map((h) => h.content + h.name)].join("\n");
}

/** BuildOptions.models, else the context's models file beside the Dockerfile and tsbuild's own models. */
async function commandModels(run: BuildRun): Promise<CommandModel[]> {
  if (run.opts.models) return run.opts.models;
  const { modelsFromContext, ModelsFileError } = await import("@tsbuild/models");
  try {
    return modelsFromContext(run.opts.context);
  } catch (e) {
    if (e instanceof ModelsFileError) throw run.err(e.message);
    throw e;
  }
}

interface RunTools {
  shell: typeof import("@tsbuild/shell");
  runCommand: typeof import("@tsbuild/shell").runCommand;
  binaries: ReturnType<typeof import("@tsbuild/pkgsim").simulatedBinariesWith>;
  models: CommandModel[];
}

/**
 * What every RUN of a build runs with, made once per build and network mode: the simulated
 * programs and the models are closures over a Fetcher (options and the content cache's
 * directory, nothing of a step), so the steps of a build share them.
 */
const toolsOfRun = new WeakMap<BuildRun, Map<boolean, Promise<RunTools>>>();

function runTools(run: BuildRun, networked: boolean): Promise<RunTools> {
  let byNetwork = toolsOfRun.get(run);
  if (!byNetwork) toolsOfRun.set(run, (byNetwork = new Map()));
  let tools = byNetwork.get(networked);
  if (!tools) {
    tools = makeRunTools(run, networked);
    byNetwork.set(networked, tools);
    // A failure (the models file) is the step's: the next RUN asks again and fails the same way.
    tools.catch(() => byNetwork.delete(networked));
  }
  return tools;
}

async function makeRunTools(run: BuildRun, networked: boolean): Promise<RunTools> {
  const [shell, { simulatedBinariesWith, withPackageManagers }, { Fetcher }] = await Promise.all([import("@tsbuild/shell"), import("@tsbuild/pkgsim"), import("@tsbuild/fetch")]);
  // Downloads go through the store's content cache; RUN --network=none has none at all.
  const root = run.store.root;
  const fetcher = new Fetcher({ cache: run.opts.contentDir ?? (root ? `${root}/content` : undefined), offline: run.opts.offline, network: networked });
  return {
    shell,
    runCommand: shell.runCommand,
    binaries: simulatedBinariesWith({ fetcher }),
    models: withPackageManagers(await commandModels(run), { fetcher }),
  };
}

export async function dispatchRun(run: BuildRun, state: StageState, ins: InstructionOf<"RUN">): Promise<FileStep> {
  // The classic dispatchRun supports no flag: it names the first one used (its parser knows only --mount).
  if (!run.opts.buildkit && ins.flags.length) throw run.err(requiresBuildKit(ins.flags[0].name));
  const network = ins.network;
  // "none" takes the network from downloads (apt, curl, wget); "host" and "default" are the same here.
  if (network !== undefined && !["default", "none", "host"].includes(network)) throw run.err(`network mode "${network}" not supported`);
  const cmdLine = commandLine(state, ins);
  const args = allowedArgs(state).map(([k, v]) => `${k}=${v}`).sort();
  const saveCmd = args.length ? [`|${args.length}`, ...args, ...cmdLine] : cmdLine;
  const probe = copyConfig(state.runConfig);
  probe.Cmd = saveCmd;
  if (saveCmd.length) probe.Entrypoint = null;
  const mounts = run.opts.buildkit ? ins.mounts : [];
  // BuildKit's history lists every ARG the stage declared, in order, unset ones empty (recorded, g-13-*).
  const bkArgs = (state.bkArgs ?? []).map(([k, v]) => `${k}=${v}`);
  const bkCmd = bkArgs.length ? [`|${bkArgs.length}`, ...bkArgs, ...cmdLine] : cmdLine;
  const inputs = run.opts.buildkit ? mountInputs(run, state, mounts) : [];
  const bk = { text: `RUN ${bkCmd.join(" ")} # buildkit`, parts: inputs.length ? { mounts, inputs } : { mounts } };

  // The shell, the simulated package managers and the models load on the first RUN that runs:
  // a build whose every RUN comes from the cache never pays for them.
  let runCommand: typeof import("@tsbuild/shell").runCommand;
  let guardStep: (cmdLine: string[]) => { disarm(): void } | undefined;
  let models: CommandModel[];
  let binaries: ReturnType<typeof import("@tsbuild/pkgsim").simulatedBinariesWith>;
  let prepared: PreparedMounts;
  const prepare = async () => {
    const tools = await runTools(run, (network && network !== "default" ? network : run.opts.network) !== "none");
    ({ runCommand, binaries, models } = tools);
    guardStep = (line) => stepWatchdog(tools.shell, run.opts.runLimits, line);
    try {
      prepared = await prepareMounts(run, state, mounts);
    } catch (e) {
      throw run.err((e as Error).message);
    }
  };
  const change = async (fs: RootFS, containerId: string) => {
    ensureWorkdir(fs, state.runConfig.WorkingDir);
    if (run.opts.buildkit) containerMountpoints(fs);
    let secrets: PlacedSecret[] = [];
    try {
      secrets = placeSecrets(fs, mounts, run.opts.secrets ?? [], state.runConfig.WorkingDir, process.env);
    } catch (e) {
      throw run.err((e as Error).message);
    }
    const watchdog = guardStep(cmdLine);
    // BuildKit's plain progress shows the container's output as the vertex's log lines.
    const log = run.opts.buildkit && run.bkLastVertex ? new VertexLog(run.bkLastVertex.vertex, (line) => run.say(line)) : undefined;
    const result = await runCommand(fs, {
      argv: cmdLine,
      // BuildKit mounts no VOLUME for RUN: what the command writes there stays in the layer (g-17-003).
      config: run.opts.buildkit ? { ...state.runConfig, Volumes: null } : state.runConfig,
      // What the mounts add (SSH_AUTH_SOCK) comes last, over ENV and the build args.
      buildArgs: [...allowedArgs(state), ...Object.entries(prepared.env)],
      stdout: (s) => (log ? log.write(s) : run.opts.output?.(s)),
      stderr: (s) => (log ? log.write(s) : run.printStderr(s)),
      // The step's files are memory: they share the build's budget (--memory).
      limits: { memoryBytes: defaultMemoryLimit(), ...run.opts.runLimits },
      hostname: containerId.slice(0, 12),
      // A --mount's content is never part of the layer: its filesystem is mounted over the image.
      mounts: prepared.given,
      // Secrets are mounted read-only over their stubs (recorded: EROFS on write, EBUSY on rm, b-ro-secret).
      readOnlyFiles: secrets.map((s) => s.path),
      binaries,
      now: run.clock.reproducible ? () => run.clock.date() : undefined,
      models,
      notes: (line) => run.print(line),
    }).finally(() => {
      watchdog?.disarm();
      log?.end();
    });
    // A cache mount keeps what the command wrote, even when the command failed.
    await keepCaches(run, prepared);
    if (result.exitCode !== 0) {
      const failed = run.opts.buildkit
        ? `executor failed running [${cmdLine.join(" ")}]: exit code: ${result.exitCode}`
        : `The command '${cmdLine.join(" ")}' returned a non-zero code: ${result.exitCode}`;
      // A command that never started is reported as Docker reports a failed container start; a limit
      // that stopped a runaway script says so before Docker's usual line.
      const stoppedByLimit = result.error?.startsWith("the command");
      const message = !result.error ? failed : stoppedByLimit ? `${failed}: ${result.error}` : result.error;
      throw new StepError(message, result.exitCode, false);
    }
    removeSecrets(fs, secrets);
  };
  return { probe, buildkit: bk, container: "run", prepare, change };
}

/**
 * With `runLimits.watchdog`, a step whose JavaScript never yields (so that neither just-bash's
 * timer nor the step guard's checks can stop it) is stopped past its time limit and a grace
 * period by killing the process, after the failure Docker would print for the step. Only for
 * a process that exists for the build (the CLI): a library host decides for itself.
 */
function stepWatchdog(shell: typeof import("@tsbuild/shell"), limits: BuildRun["opts"]["runLimits"], cmdLine: string[]): { disarm(): void } | undefined {
  if (!limits?.watchdog) return undefined;
  const timeoutMs = limits.timeoutMs ?? shell.DEFAULT_LIMITS.timeoutMs;
  const graceMs = shell.watchdogGraceMs(timeoutMs);
  const message =
    `The command '${cmdLine.join(" ")}' returned a non-zero code: 137: ${shell.timeoutMessage(timeoutMs)}` +
    ` (it did not stop by itself within ${graceMs / 1000} s more: tsbuild was killed)`;
  return shell.armWatchdog(timeoutMs + graceMs, message);
}

/**
 * The container's creation makes a missing working directory (root, 0755, through symlinks), and
 * that lands in the step's layer: a WORKDIR that a later RUN removed or redirected comes back (x10).
 */
function ensureWorkdir(fs: RootFS, dir: string): void {
  if (!dir || fs.exists(dir)) return;
  fs.mkdir(dir, { recursive: true, mode: 0o755, owner: { uid: 0, gid: 0 } });
}


/**
 * What runc leaves in a BuildKit RUN's layer: the mountpoints it creates (/dev, /proc, /sys) when
 * the image lacks them, and /etc copied up around the hosts and resolv.conf it mounts when the
 * image has none of its own (recorded from Docker 20.10's BuildKit, b- cases).
 */
function containerMountpoints(fs: RootFS): void {
  for (const dir of ["/dev", "/proc", "/sys"]) if (!fs.exists(dir)) fs.mkdir(dir, { mode: 0o755, owner: { uid: 0, gid: 0 } });
  if (!fs.exists("/etc")) fs.mkdir("/etc", { mode: 0o755, owner: { uid: 0, gid: 0 } });
  else if (!fs.exists("/etc/hosts") || !fs.exists("/etc/resolv.conf")) {
    const st = fs.stat("/etc");
    fs.utimes("/etc", st.mtime, st.mtime);
  }
}

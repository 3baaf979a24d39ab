import { posix } from "node:path";
import { defaultMemoryLimit } from "@tsbuild/archive";
import type { Instruction, RunMount } from "@tsbuild/parser";
import type { RootFS } from "@tsbuild/fs-snapshot";
import type { CommandModel } from "@tsbuild/shell";
import type { BuildRun } from "../builder.js";
import { commitChild, probeCache } from "../commit.js";
import { BuildError } from "../options.js";
import { requiresBuildKit } from "../classic.js";
import { placeSecrets, removeSecrets, type PlacedSecret } from "../buildkit/secrets.js";
import { allowedArgs, copyConfig, envMap, shellOf, type StageState } from "../state.js";

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

export async function dispatchRun(run: BuildRun, state: StageState, ins: Instruction): Promise<void> {
  // The classic dispatchRun supports no flag: it names the first one used (its parser knows only --mount).
  if (!run.opts.buildkit && ins.flags.length) throw run.err(requiresBuildKit(ins.flags[0].name));
  const network = ins.flag("network");
  // "none" takes the network from downloads (apt, curl, wget); "host" and "default" are the same here.
  if (network !== undefined && !["default", "none", "host"].includes(network)) throw run.err(`network mode "${network}" not supported`);
  const cmdLine = commandLine(state, ins);
  const args = allowedArgs(state).map(([k, v]) => `${k}=${v}`).sort();
  const saveCmd = args.length ? [`|${args.length}`, ...args, ...cmdLine] : cmdLine;
  const probe = copyConfig(state.runConfig);
  probe.Cmd = saveCmd;
  if (saveCmd.length) probe.Entrypoint = null;
  const mounts = run.opts.buildkit ? ins.mounts ?? [] : [];
  // BuildKit's history lists every ARG the stage declared, in order, unset ones empty (recorded, g-13-*).
  const bkArgs = (state.bkArgs ?? []).map(([k, v]) => `${k}=${v}`);
  const bkCmd = bkArgs.length ? [`|${bkArgs.length}`, ...bkArgs, ...cmdLine] : cmdLine;
  if (await probeCache(run, state, probe, { text: `RUN ${bkCmd.join(" ")} # buildkit`, parts: { mounts } })) return;

  // The shell, the simulated package managers and the models load on the first RUN that runs:
  // a build whose every RUN comes from the cache never pays for them.
  const models = await commandModels(run);
  const [{ runCommand }, { simulatedBinariesWith }, { Fetcher }] = await Promise.all([import("@tsbuild/shell"), import("@tsbuild/pkgsim"), import("@tsbuild/fetch")]);
  // Downloads go through the store's content cache; RUN --network=none has none at all.
  const root = run.store.root;
  const fetcher = new Fetcher({ cache: run.opts.contentDir ?? (root ? `${root}/content` : undefined), offline: run.opts.offline, network: (network && network !== "default" ? network : run.opts.network) !== "none" });
  const fs = await run.sandbox(state);
  const containerId = run.clock.containerId(saveCmd.join(" "));
  run.print(` ---> Running in ${containerId.slice(0, 12)}`);
  const env: Record<string, string> = Object.fromEntries(envMap(state.runConfig.Env));
  for (const [k, v] of allowedArgs(state)) env[k] = v;
  fs.beginStep();
  let result;
  let secrets: PlacedSecret[] = [];
  try {
    ensureWorkdir(fs, state.runConfig.WorkingDir);
    if (run.opts.buildkit) containerMountpoints(fs);
    try {
      secrets = placeSecrets(fs, mounts, run.opts.secrets ?? [], state.runConfig.WorkingDir, process.env);
    } catch (e) {
      throw run.err((e as Error).message);
    }
    result = await runCommand(fs, {
      argv: cmdLine,
      env,
      cwd: state.runConfig.WorkingDir || "/",
      user: state.runConfig.User,
      stdout: (s) => run.opts.output?.(s),
      stderr: (s) => run.printStderr(s),
      // The step's files are memory: they share the build's budget (--memory).
      limits: { memoryBytes: defaultMemoryLimit(), ...run.opts.runLimits },
      hostname: containerId.slice(0, 12),
      // A --mount's content is never part of the layer: its target is mounted over the image like a volume.
      volumes: [...Object.keys(state.runConfig.Volumes ?? {}), ...mountTargets(mounts.filter((m) => m.type !== "secret"), state.runConfig.WorkingDir)],
      binaries: simulatedBinariesWith({ fetcher }),
      now: run.clock.reproducible ? () => run.clock.date() : undefined,
      models,
      notes: (line) => run.print(line),
    });
  } catch (e) {
    fs.abortStep();
    throw e;
  }
  if (result.exitCode !== 0) {
    fs.abortStep();
    const failed = `The command '${cmdLine.join(" ")}' returned a non-zero code: ${result.exitCode}`;
    // A command that never started is reported as Docker reports a failed container start; a limit
    // that stopped a runaway script says so before Docker's usual line.
    const stoppedByLimit = result.error?.startsWith("the command");
    const message = !result.error ? failed : stoppedByLimit ? `${failed}: ${result.error}` : result.error;
    throw new BuildError(message, result.exitCode, run.current);
  }
  removeSecrets(fs, secrets);
  const diff = await fs.commitStep({ mtime: run.clock.date() });
  run.print(`Removing intermediate container ${containerId.slice(0, 12)}`);
  await commitChild(run, state, { containerConfig: probe, containerId, diff });
}

/**
 * The container's creation makes a missing working directory (root, 0755, through symlinks), and
 * that lands in the step's layer: a WORKDIR that a later RUN removed or redirected comes back (x10).
 */
function ensureWorkdir(fs: RootFS, dir: string): void {
  if (!dir || fs.exists(dir)) return;
  fs.mkdir(dir, { recursive: true, mode: 0o755, owner: { uid: 0, gid: 0 } });
}


/** Where each --mount lands: its target (relative to WORKDIR), a secret's default under /run/secrets. */
function mountTargets(mounts: RunMount[], workdir: string): string[] {
  return mounts.map((m) => {
    const target = m.target ?? (m.type === "secret" ? `/run/secrets/${m.cacheId ?? m.source ?? ""}` : m.type === "ssh" ? "/run/buildkit/ssh_agent.0" : "");
    return posix.resolve("/", workdir || "/", target);
  });
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

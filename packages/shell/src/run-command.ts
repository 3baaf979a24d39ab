import { createHash } from "node:crypto";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import { Bash, type BashOptions } from "just-bash";
import { SHELL_BUILTIN_COMMANDS } from "./applets/registry.js";
import { DEFAULT_PATH, dispatcher } from "./exec/dispatch.js";
import { imageFlavour, shellKind } from "./exec/flavour.js";
import { limitMessage } from "./exec/io.js";
import { tsbuildWords } from "./exec/tsbuild-words.js";
import { modelCovers } from "./exec/models.js";
import { checkResolverPatch, ResolverHook } from "./exec/resolver-hook.js";
import { CommandRegistry } from "./exec/command-registry.js";
import type { Step } from "./exec/step.js";
import { DEFAULT_LIMITS, type RunResult, type RunSpec } from "./run-spec.js";
import { permits } from "./sandbox/credentials.js";
import { redirectFailure } from "./exec/redirect-failure.js";
import { JustBashFs } from "./sandbox/just-bash-fs.js";
import { ProcessFs } from "./sandbox/process-fs.js";
import { VirtualMounts } from "./sandbox/virtual-mounts.js";
import { mountVolumes } from "./sandbox/mount-volumes.js";
import { VolumeMountError } from "./sandbox/volume-fs.js";
import { isAllocationFailure, memoryMessage, startStepGuard, StepStopped, timeoutMessage } from "./sandbox/step-guard.js";
import { type ExecUser, resolveExecUser, UserLookupError } from "./users/exec-user.js";
import { basename, joinPath, resolvePath, shellQuote } from "./util/paths.js";

const GiB = 1024 ** 3;

/**
 * Run one RUN step's command in the sandbox. The builder opens the step (image.beginStep())
 * before and commits it after; every change the command makes outside volumes goes through `image`.
 */
export async function runCommand(image: FileSystem, spec: RunSpec): Promise<RunResult> {
  if (spec.argv.length === 0) return { exitCode: 127, error: "RUN has no command" };
  const hostname = spec.hostname ?? createHash("sha256").update(JSON.stringify(spec.argv)).digest("hex").slice(0, 12);
  const mounts = new VirtualMounts({ hostname });
  // Docker mounts the volumes when it creates the container, before the user is looked up.
  let fs: FileSystem;
  try {
    const given = new Map((spec.mounts ?? []).map((m) => [m.path, m.fs] as const));
    const readOnly = { dirs: new Set((spec.mounts ?? []).filter((m) => m.readOnly).map((m) => m.path)), files: spec.readOnlyFiles };
    fs = mountVolumes(image, [...Object.keys(spec.config.Volumes ?? {}), ...given.keys()], mounts, spec.now, given, readOnly);
  } catch (e) {
    if (e instanceof VolumeMountError) return { exitCode: 1, error: e.message };
    throw e;
  }
  let user: ExecUser;
  try {
    user = resolveExecUser(fs, spec.config.User ?? "");
  } catch (e) {
    if (e instanceof UserLookupError) return { exitCode: 126, error: e.message };
    throw e;
  }
  const env = processEnvironment(stepEnvironment(spec), user, hostname);
  const cwd = resolvePath("/", spec.config.WorkingDir || "/");
  const pfs = new ProcessFs(fs, mounts, { uid: user.uid, gid: user.gid, groups: user.groups });

  const models = spec.models ?? [];
  const startError = checkStart(pfs, spec.argv[0], env.PATH, cwd);
  if (startError && !modelCovers(models, spec.argv)) {
    if (startError.exitCode === 127) emitNotes(spec, hints(new Set([basename(spec.argv[0])])));
    return startError;
  }

  // The kernel refuses the container's exec past its argument limits; Docker prints runc's line.
  if (argumentsTooLong(spec.argv, env)) {
    spec.stderr?.(`exec ${spec.argv[0]}: argument list too long\n`);
    return { exitCode: 1 };
  }

  const limits = { ...DEFAULT_LIMITS, ...spec.limits };
  checkResolverPatch();
  let bash: Bash | undefined;
  // Names get their dispatcher when first asked for (see command-registry.ts).
  const commands = new CommandRegistry(
    (name) => SHELL_BUILTIN_COMMANDS.has(name),
    (name) => onPath(pfs, name, env.PATH, cwd),
    () => programsOnPath(pfs, env.PATH, cwd),
    (name) => dispatcher(name, step),
    (command) => bash?.registerCommand(command),
  );
  const hook = new ResolverHook((name) => commands.ensure(name));
  const flavour = imageFlavour(pfs);
  // What streamed to stderr is no longer in the script's result; a limit's words are read from its end.
  let streamedErr = "";
  const step: Step = {
    fs: pfs,
    binaries: spec.binaries ?? {},
    models,
    notes: [],
    now: spec.now ?? (() => new Date()),
    unresolved: new Set(),
    hook,
    shell: { frames: [] },
    flavour,
    shellKind: shellKind("sh", flavour),
    argv: spec.argv,
    pids: 1,
    output: {
      stdout: (s) => spec.stdout?.(s),
      stderr: (s) => {
        // Trimmed only past twice the kept size: no 64 KiB copy for every chunk a noisy step writes.
        streamedErr += s;
        if (streamedErr.length > 2 * STREAMED_ERR_KEPT) streamedErr = streamedErr.slice(-STREAMED_ERR_KEPT);
        spec.stderr?.(s);
      },
    },
    breathe: breather(),
    // just-bash (patched, see README) reads `plainNames` from the state a script starts with.
    setPlainVariables: (names) => {
      if (bash) (bash as unknown as { state: { plainNames?: ReadonlySet<string> } }).state.plainNames = names;
    },
  };
  bash = new Bash({
    fs: new JustBashFs(pfs, hook, (target, err, op, shell, line) => {
      const frame = step.shell.frames.at(-1);
      return redirectFailure(step.shellKind, shell, target, err, op, Math.max(1, line - (frame?.prologueLines ?? 0)));
    }),
    cwd,
    env,
    // Scripts are the Dockerfile's own, and no JavaScript runtime is enabled; the global
    // patching of defense-in-depth would only slow every command down.
    defenseInDepth: false,
    executionLimits: executionLimits(limits),
    // A build waits for nothing: sleep returns at once (timeouts still apply).
    sleep: async () => {},
    processInfo: { pid: 1, ppid: 0, uid: user.uid, gid: user.gid },
    // just-bash's own commands are in every step's registry already (CommandRegistry).
    commands: [],
  });
  (bash as unknown as { commands: Map<string, unknown> }).commands = commands;
  // Scripts of ash and dash get no brace expansion (see posix-words.ts); `for f; do` gets its words.
  bash.registerTransformPlugin(tsbuildWords(() => step.shellKind !== "bash"));

  const started = Date.now();
  // OLDPWD is just-bash's, not the container's: gone before the launcher runs (as `unset` does).
  const launcher = (bash as unknown as { state: { env: Map<string, string>; exportedVars?: Set<string> } }).state;
  launcher.env.delete("OLDPWD");
  launcher.exportedVars?.delete("OLDPWD");
  const guard = startStepGuard(limits);
  let result: Pick<Awaited<ReturnType<Bash["exec"]>>, "stdout" | "stderr" | "exitCode">;
  let outcome;
  let tooBig = false;
  try {
    // The launcher runs argv as one command. Its arguments are handed over as they are (just-bash's
    // `args`, appended to the script's one command): a RUN's script text is parsed once, by the
    // shell it is given to, not also as a quoted word of the launcher.
    result = await bash.exec(shellQuote([spec.argv[0]]), { rawScript: true, args: spec.argv.slice(1) });
  } catch (e) {
    // Thrown where just-bash does not turn errors into a command's status (its own accounting).
    if (!(e instanceof StepStopped) && !isAllocationFailure(e)) throw e;
    tooBig = !(e instanceof StepStopped);
    result = { stdout: "", stderr: "", exitCode: 1 };
  } finally {
    outcome = guard.end();
  }
  if (result.stdout) spec.stdout?.(result.stdout);
  if (result.stderr) spec.stderr?.(result.stderr);
  emitNotes(spec, result.exitCode === 0 ? step.notes : [...step.notes, ...hints(step.unresolved)]);

  if (outcome.error) {
    const exitCode = result.exitCode === 0 ? (outcome.timedOut ? 124 : 1) : result.exitCode;
    return { exitCode, timedOut: outcome.timedOut || undefined, error: outcome.error };
  }
  // An allocation Node refused (a buffer past 4 GiB, a string past V8's length) is the memory
  // limit too, whether it escaped or a command printed it as its error.
  if (tooBig || (result.exitCode !== 0 && /Invalid string length|Array buffer allocation failed|The value of "size" is out of range|byte conversion limit/.test(streamedErr + result.stderr))) {
    return { exitCode: result.exitCode || 1, error: memoryMessage(limits.memoryBytes) };
  }
  const limit = step.limit ?? limitMessage({ exitCode: result.exitCode, stderr: streamedErr + result.stderr });
  if (limit) {
    const timedOut = /deadline|aborted/.test(limit) || Date.now() - started >= limits.timeoutMs;
    const error = timedOut
      ? timeoutMessage(limits.timeoutMs)
      : `the command was stopped by a step limit: ${limit}`;
    return { exitCode: result.exitCode === 0 ? 126 : result.exitCode, timedOut: timedOut || undefined, error };
  }
  return { exitCode: result.exitCode };
}

/**
 * just-bash awaits only settled promises between commands, so a busy script would hold the
 * event loop until it ends; every so often a command waits one turn, and the CLI's progress
 * line (a timer) keeps moving.
 */
function breather(everyMs = 50): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < everyMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    last = Date.now();
  };
}

/** How much of the streamed stderr is kept for the limit's message (the last lines are the ones that count). */
const STREAMED_ERR_KEPT = 64 * 1024;

/** Linux's MAX_ARG_STRLEN (32 pages, the NUL included) and ARG_MAX under the default 8 MiB stack. */
const MAX_ARG_STRLEN = 32 * 4096;
const ARG_MAX = 2 * 1024 * 1024;

/** Whether execve(2) fails with E2BIG: one string too long, or argv and envp too big together. */
function argumentsTooLong(argv: string[], env: Record<string, string>): boolean {
  const strings = [...argv, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
  let total = 0;
  for (const s of strings) {
    const bytes = Buffer.byteLength(s) + 1;
    if (bytes > MAX_ARG_STRLEN) return true;
    total += bytes + 8;
  }
  return total > ARG_MAX;
}

/** Where to declare what a program does when the sandbox cannot run it (@tsbuild/models). */
const MODELS_FILE = "tsbuild.models.json";
const MODELS_DOCS = "packages/models/README.md";

/** For a failed step: each program that could not run and had no model. */
function hints(programs: Set<string>): string[] {
  return [...programs].map((p) => `hint: declare what "${p}" does in ${MODELS_FILE} (see ${MODELS_DOCS})`);
}

function emitNotes(spec: RunSpec, lines: string[]): void {
  for (const line of lines) spec.notes?.(line);
}

/** Whether a PATH directory holds an entry `name` (what `command -v` and `type` ask the registry). */
function onPath(fs: ProcessFs, name: string, pathVar: string, cwd: string): boolean {
  if (name.includes("/")) return false;
  for (const dir of pathVar.split(":")) {
    if (fs.tryLstat(joinPath(resolvePath(cwd, dir || "."), name))) return true;
  }
  return false;
}

/** Names of the entries in the PATH directories. */
function programsOnPath(fs: ProcessFs, pathVar: string, cwd: string): Set<string> {
  const names = new Set<string>();
  for (const dir of pathVar.split(":")) {
    const d = resolvePath(cwd, dir || ".");
    if (fs.tryStat(d)?.type !== "dir") continue;
    for (const name of fs.readdir(d)) names.add(name);
  }
  return names;
}

/** Docker's process environment: the given env, plus PATH, HOSTNAME and HOME when missing. */
function processEnvironment(given: Record<string, string>, user: ExecUser, hostname: string): Record<string, string> {
  const env: Record<string, string> = { ...given };
  env.PATH ??= DEFAULT_PATH;
  env.HOSTNAME ??= hostname;
  env.HOME ??= user.home || "/";
  return env;
}

/**
 * Docker execs argv[0] itself (Go's exec.LookPath): a name without a slash must be an
 * executable file on PATH. Failing that, the container never starts.
 */
function checkStart(fs: ProcessFs, argv0: string, pathVar: string, cwd: string): RunResult | undefined {
  const candidates = argv0.includes("/") ? [resolvePath(cwd, argv0)] : pathVar.split(":").map((d) => resolvePath(cwd, joinPath(d || ".", argv0)));
  let denied = false;
  for (const c of candidates) {
    const n = fs.tryStat(c);
    if (!n || n.type === "dir") continue;
    if (permits(fs.creds, n, 1)) return undefined;
    denied = true;
  }
  const prefix = "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process:";
  if (argv0.includes("/")) {
    const n = fs.tryStat(candidates[0]);
    if (!n) return { exitCode: 127, error: `${prefix} exec: "${argv0}": stat ${argv0}: no such file or directory: unknown` };
    return { exitCode: 126, error: `${prefix} exec: "${argv0}": permission denied: unknown` };
  }
  if (denied) return { exitCode: 126, error: `${prefix} exec: "${argv0}": permission denied: unknown` };
  return { exitCode: 127, error: `${prefix} exec: "${argv0}": executable file not found in $PATH: unknown` };
}

function executionLimits(l: Required<NonNullable<RunSpec["limits"]>>): NonNullable<BashOptions["executionLimits"]> {
  return {
    maxExecutionTimeMs: l.timeoutMs,
    maxCommandCount: l.maxCommands,
    maxLoopIterations: l.maxCommands,
    maxAwkIterations: l.maxCommands,
    maxSedIterations: l.maxCommands,
    maxJqIterations: l.maxCommands,
    maxCallDepth: l.maxCallDepth,
    // Build steps write big files (package payloads); just-bash's defaults suit chat agents.
    maxStringLength: 512 * 1024 * 1024,
    maxOutputSize: 2 * GiB,
    maxInputBytes: 2 * GiB,
    maxLiveBytes: 2 * GiB,
    maxHeredocSize: 512 * 1024 * 1024,
  };
}

/** ENV of the config (a name without "=" is empty), then the build args the step sees. */
function stepEnvironment(spec: RunSpec): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of spec.config.Env ?? []) {
    const i = kv.indexOf("=");
    if (i < 0) env[kv] = "";
    else env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  for (const [k, v] of spec.buildArgs ?? []) env[k] = v;
  return env;
}

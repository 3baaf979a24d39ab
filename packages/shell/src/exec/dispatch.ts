import { type Command, type ExecResult, latin1FromBytes, type ResolvedCommandContext } from "just-bash";
import type { AppletContext } from "../applets/applet.js";
import { appletEntry, appletNames, hasApplet, SHELL_BUILTIN_COMMANDS } from "../applets/registry.js";
import type { SimCommand } from "../sim-command.js";
import { AccountDb } from "../users/account-files.js";
import { describeError } from "../util/errors.js";
import { basename, resolvePath, shellQuote } from "../util/paths.js";
import { childEnv, failure, Output, shellName, stdinOf, stdoutBytes } from "./io.js";
import { type Flavour, shellKind } from "./flavour.js";
import { classify, MAX_INTERPRETER_DEPTH, searchPath } from "./lookup.js";
import { modelFor } from "./models.js";
import { execChild } from "./child.js";
import { exportAll, runShell } from "./shell.js";
import { printfByteArguments, printfBytes } from "./printf-bytes.js";
import { sedBackups } from "./sed-backup.js";
import { grepArguments } from "./grep-patterns.js";
import type { Step } from "./step.js";

/** Docker's default PATH, which ash also falls back to when PATH is unset. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The just-bash command registered under every name: it finds the program in the image
 * (PATH lookup in the RootFS) and runs whatever that program is in the sandbox.
 */
export function dispatcher(name: string, step: Step): Command {
  // `tsbuildDirect` (the just-bash patch): the context is handed over as built, without the
  // revocable proxies just-bash wraps around every command's context (the dispatcher keeps
  // nothing of it past the command, and what it runs is tsbuild's own code or just-bash's).
  return { name, trusted: true, tsbuildDirect: true, execute: (args, ctx) => dispatch(step, name, args, ctx) } as Command;
}

async function dispatch(step: Step, name: string, args: string[], ctx: ResolvedCommandContext): Promise<ExecResult> {
  // The launcher runs one command: the first one dispatched is the container's process.
  step.launchCtx ??= ctx;
  await step.breathe();
  const explicit = step.hook.takeExplicit(name);
  // Once a limit has stopped part of the step, the rest must wind down, not run on.
  if (step.limit) return failure(`bash: ${name}: not run: ${step.limit}`, 126);
  if (step.direct === name) {
    step.direct = undefined;
    return runApplet(step, name, name, args, ctx, name, step.flavour);
  }
  if (!explicit && SHELL_BUILTIN_COMMANDS.has(name) && hasApplet(name)) return runApplet(step, name, name, args, ctx, name, step.flavour);
  const word = explicit?.word ?? name;
  const pathVar = ctx.env.get("PATH") ?? DEFAULT_PATH;
  const path = explicit?.path ?? searchPath(step.fs, name, pathVar, ctx.cwd);
  const model = modelFor(step, { word, path, args }, { cwd: ctx.cwd, pathVar });
  if (model) return runSim(step, model, word, args, ctx);
  if (!path) return unresolved(step, `${shellName(ctx)}: ${word}: not found`, word);
  return runFile(step, word, path, explicit ? word : path, args, ctx, name, 0);
}

/**
 * Run the file at `path` (reached as `word`; `execPath` is the name execve got, which a #!
 * interpreter receives as the script's name).
 */
export async function runFile(
  step: Step,
  word: string,
  path: string,
  execPath: string,
  args: string[],
  ctx: ResolvedCommandContext,
  dispatcherName: string,
  depth: number,
): Promise<ExecResult> {
  const program = classify(step.fs, path, word, step.binaries, hasApplet);
  const sh = shellName(ctx);
  switch (program.kind) {
    case "missing":
      return unresolved(step, `${sh}: ${word}: not found`, word);
    case "denied":
      return failure(`${sh}: ${word}: Permission denied`, 126);
    case "sim":
      return runSim(step, program.run, word, args, ctx);
    case "script": {
      if (depth >= MAX_INTERPRETER_DEPTH) return failure(`${sh}: ${word}: Too many levels of symbolic links`, 126);
      const interpreter = resolvePath(ctx.cwd, program.interpreter);
      const interpArgs = [...(program.arg !== undefined ? [program.arg] : []), execPath, ...args];
      if (!step.fs.tryStat(interpreter)) return unresolved(step, `${sh}: ${word}: not found`, word);
      return runFile(step, program.interpreter, interpreter, program.interpreter, interpArgs, ctx, dispatcherName, depth + 1);
    }
    case "shell-text":
      return runShell(step, sh, [execPath, ...args], ctx, step.shellKind);
    case "applet":
      return runApplet(step, program.applet, word, args, ctx, dispatcherName, program.flavour);
    case "foreign":
      return unresolved(step, `${sh}: ${word}: not found (${path} is a program tsbuild does not simulate)`, word);
  }
}

/** A simulated program (RunSpec.binaries) or a command model, run over the step's RootFS. */
async function runSim(step: Step, run: SimCommand, word: string, args: string[], ctx: ResolvedCommandContext): Promise<ExecResult> {
  const out = new Output();
  const { uid, gid } = step.fs.creds;
  try {
    const code = await run({
      fs: step.fs.root,
      argv: [word, ...args],
      env: childEnv(ctx),
      cwd: ctx.cwd,
      owner: { uid, gid },
      stdin: stdinOf(ctx),
      stdout: out.stdout,
      stderr: out.stderr,
      note: (line) => void step.notes.push(line),
      now: step.now,
    });
    return out.result(code);
  } catch (e) {
    out.stderr(`${basename(word)}: ${describeError(e)}\n`);
    return out.result(1);
  }
}

/** A program that cannot run (127): remembered, so a failed step can hint at declaring a model. */
function unresolved(step: Step, message: string, word: string): ExecResult {
  step.unresolved.add(basename(word));
  return failure(message, 127);
}

/** Run an applet (a name tsbuild simulates) invoked as `word`. */
async function runApplet(
  step: Step,
  applet: string,
  word: string,
  args: string[],
  ctx: ResolvedCommandContext,
  dispatcherName: string,
  flavour: Flavour,
): Promise<ExecResult> {
  const entry = appletEntry(applet);
  if (!entry) return unresolved(step, `${applet}: applet not found (tsbuild does not simulate it)`, word);
  // Each program is a process of its own (a shell forks one per command).
  step.pids += 1;
  switch (entry.kind) {
    case "shell":
      return runShell(step, word, args, ctx, shellKind(applet, flavour));
    case "multicall":
      return runBusybox(step, args, ctx, dispatcherName);
    case "bundled": {
      const given = bundledArguments(step, applet, args, ctx.cwd);
      const run = applet === dispatcherName && ctx.origCommand ? ctx.origCommand(given) : runBundledAs(step, applet, given, ctx);
      return applet === "printf" ? printfBytes(await run) : run;
    }
    case "own": {
      const out = new Output();
      const actx: AppletContext = {
        argv0: word,
        args,
        flavour,
        shellKind: step.shellKind,
        fs: step.fs,
        env: childEnv(ctx),
        cwd: ctx.cwd,
        creds: step.fs.creds,
        stdin: stdinOf(ctx),
        stdout: out.stdout,
        stderr: out.stderr,
        accounts: () => new AccountDb(step.fs.root),
        resolve: (p) => resolvePath(ctx.cwd, p),
        now: step.now,
        shell: step.shell,
        processes: () => [
          { pid: 1, uid: step.fs.creds.uid, argv: step.argv },
          { pid: step.pids, uid: step.fs.creds.uid, argv: [word, ...args] },
        ],
        exec: async (argv, env, cwd) => {
          const r = await runChild(argv, env, ctx, cwd);
          return { stdout: stdoutBytes(r), stderr: r.stderr, exitCode: r.exitCode };
        },
      };
      try {
        return out.result(await entry.run(actx));
      } catch (e) {
        out.stderr(`${applet}: ${describeError(e)}\n`);
        return out.result(1);
      }
    }
  }
}

/** Run argv as a child process with exactly `env` (`command` keeps shell functions out of it). */
function runChild(argv: string[], env: Record<string, string>, ctx: ResolvedCommandContext, cwd?: string): Promise<ExecResult> {
  const prologue = [exportAll(env), ...("PWD" in env ? [] : ["unset PWD"]), ...(cwd ? [`cd ${shellQuote([cwd])} || exit 1`] : [])].join("\n");
  return execChild(ctx, `${prologue}\ncommand ${shellQuote(argv)}`, env, latin1FromBytes(ctx.stdin));
}

function runBusybox(step: Step, args: string[], ctx: ResolvedCommandContext, dispatcherName: string): Promise<ExecResult> | ExecResult {
  const [applet, ...rest] = args;
  if (applet === undefined || applet === "--help") {
    return { stdout: "BusyBox (simulated by tsbuild) multi-call binary.\nUsage: busybox [function [arguments]...]\n", stderr: "", exitCode: applet ? 0 : 1 };
  }
  if (applet === "--list") return { stdout: `${appletNames().join("\n")}\n`, stderr: "", exitCode: 0 };
  return runApplet(step, basename(applet), applet, rest, ctx, dispatcherName, "busybox");
}

/**
 * Run just-bash's command `applet` from a dispatcher of another name (`busybox cat`): only
 * the dispatcher registered as `applet` holds that command, so a one-command script reaches
 * it, told by `step.direct` to run the applet without a PATH lookup.
 */
async function runBundledAs(step: Step, applet: string, args: string[], ctx: ResolvedCommandContext): Promise<ExecResult> {
  step.hook.ensure(applet);
  step.direct = applet;
  try {
    return await execChild(ctx, shellQuote([applet, ...args]), childEnv(ctx), latin1FromBytes(ctx.stdin));
  } finally {
    step.direct = undefined;
  }
}

/** just-bash's own commands, given arguments that make them do what the image's program does. */
function bundledArguments(step: Step, applet: string, args: string[], cwd: string): string[] {
  if (applet === "printf") return printfByteArguments(args, step.shellKind === "dash");
  if (applet === "sed") return sedBackups(step.fs, cwd, args);
  if (applet === "grep" || applet === "egrep" || applet === "fgrep") return grepArguments(applet, args);
  return args;
}

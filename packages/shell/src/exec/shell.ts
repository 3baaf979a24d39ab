import { decodeBytesToUtf8, type ExecResult, latin1FromBytes, type ResolvedCommandContext } from "just-bash";
import type { ShellFrame } from "../applets/applet.js";
import { describeError, errorCode } from "../util/errors.js";
import { resolvePath } from "../util/paths.js";
import { execChild } from "./child.js";
import { childEnv, failure, limitMessage } from "./io.js";
import { plainVariables, type ShellKind } from "./flavour.js";
import type { Step } from "./step.js";

/** Options of `sh` that map onto `set`; the rest (-i, -l) mean nothing in a build. */
const SET_FLAGS = "eunxvfaCb";

/**
 * Run a shell: `sh [-/+OPTS] [-o OPT] (-c SCRIPT [ARG0 [ARGS...]] | FILE [ARGS...] | [-s] [ARGS...])`,
 * in just-bash's interpreter as a child process would run: its own variables, functions and
 * options, the caller's exported environment, $0 and the positional parameters set as ash does.
 */
export async function runShell(step: Step, argv0: string, args: string[], ctx: ResolvedCommandContext, kind: ShellKind): Promise<ExecResult> {
  const setup: string[] = [];
  let commandMode = false;
  let stdinMode = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === "--" || a === "-") {
      i++;
      break;
    }
    if (a.length < 2 || (a[0] !== "-" && a[0] !== "+")) break;
    const on = a[0] === "-";
    for (const c of a.slice(1)) {
      if (c === "c") commandMode = true;
      else if (c === "s") stdinMode = true;
      else if (c === "o") {
        const name = args[++i];
        if (name === undefined) return failure(`${argv0}: -o requires an argument`, 2);
        setup.push(`set ${on ? "-" : "+"}o ${name}`);
      } else if (SET_FLAGS.includes(c)) setup.push(`set ${on ? "-" : "+"}${c}`);
      else if (c !== "i" && c !== "l") return failure(`${argv0}: -${c}: invalid option`, 2);
    }
  }

  let script: string;
  let dollar0 = argv0;
  let positional: string[];
  let stdin = latin1FromBytes(ctx.stdin);
  if (commandMode) {
    if (i >= args.length) return failure(`${argv0}: -c requires an argument`, 2);
    script = args[i];
    dollar0 = args[i + 1] ?? argv0;
    positional = args.slice(i + 2);
  } else if (stdinMode || i >= args.length) {
    script = decodeBytesToUtf8(ctx.stdin);
    stdin = "";
    positional = args.slice(i);
  } else {
    const file = args[i];
    dollar0 = file;
    positional = args.slice(i + 1);
    try {
      script = step.fs.readFile(resolvePath(ctx.cwd, file)).toString("utf8");
    } catch (e) {
      return failure(`${argv0}: can't open '${file}': ${describeError(e)}`, 2);
    }
  }

  const env = childEnv(ctx);
  delete env.OLDPWD;
  env.PWD = ctx.cwd;
  env.SHLVL = String((Number(env.SHLVL) || 0) + 1);
  // Every shell starts with OPTIND=1 (POSIX; dash, bash and ash alike), exported only if it came
  // in the environment: Debian's `which` shifts by $OPTIND - 1 after its getopts loop.
  if ("OPTIND" in env) env.OPTIND = "1";
  const shellEnv: Record<string, string> = { ...env, OPTIND: "1", "0": dollar0, "#": String(positional.length) };
  positional.forEach((arg, n) => {
    shellEnv[String(n + 1)] = arg;
  });
  const prologue = [exportAll(env), ...setup].join("\n");

  const frame: ShellFrame = { prologueLines: prologue.split("\n").length };
  step.shell.frames.push(frame);
  const outer = step.shellKind;
  // The step's own shell (not one in a pipe, a redirection or `$(...)`) writes to the container's
  // output: what each of its statements printed is shown when the statement ends.
  const output = ctx === step.launchCtx ? step.output : undefined;
  if (output) step.output = undefined;
  let result: ExecResult;
  try {
    step.shellKind = kind;
    step.setPlainVariables(plainVariables(kind));
    result = await execChild(ctx, `${prologue}\n${script}`, shellEnv, stdin, output);
  } catch (e) {
    // A redirection's file that cannot be opened fails only its command (see JustBashFs's
    // redirectFailure); an errno that still escapes just-bash ends the shell, with ash's message.
    const code = errorCode(e);
    if (!code) throw e;
    const path = (e as { path?: string }).path;
    result = failure(`${argv0}: can't create ${path ?? "file"}: ${describeError(e)}`, 1);
  } finally {
    step.shell.frames.pop();
    step.shellKind = outer;
  }
  step.limit ??= limitMessage(result);
  if (frame.exitTrap) {
    // The EXIT trap runs in the shell that set it, after its last command, with its variables.
    const finalEnv = { ...shellEnv, ...((result as { env?: Record<string, string> }).env ?? {}) };
    const status = result.exitCode;
    // The shell's status stands unless the trap itself exits with another.
    step.setPlainVariables(plainVariables(kind));
    const trapped = await execChild(ctx, `(exit ${status})\n${frame.exitTrap}\nexit ${status}`, finalEnv, "");
    result = {
      ...result,
      stdout: result.stdout + trapped.stdout,
      stderr: result.stderr + trapped.stderr,
      exitCode: trapped.exitCode,
    };
  }
  return result;
}

/**
 * just-bash exports only the variables it was told to export, so a child shell re-exports
 * what it inherited (the environment of a process is exported by definition).
 */
export function exportAll(env: Record<string, string>): string {
  const names = Object.keys(env).filter((k) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k));
  return names.length ? `export ${names.join(" ")}` : ":";
}

import type { ExecResult, ResolvedCommandContext } from "just-bash";
import { failure } from "./io.js";
import type { StepOutput } from "./step.js";

/**
 * Run a script as a child process through just-bash (ctx.exec): its own shell state, exactly
 * `env` as its environment, the caller's cwd, `stdin` as bytes (latin1). just-bash hands
 * the child's stdout back as text decoded statement by statement, so binary data leaving a
 * child shell is re-encoded as UTF-8 (see README, "Known limits").
 */
export function execChild(
  ctx: ResolvedCommandContext,
  script: string,
  env: Record<string, string>,
  stdin: string,
  output?: StepOutput,
): Promise<ExecResult> {
  if (!ctx.exec) return Promise.resolve(failure("sh: cannot start a child process here", 126));
  // `onStatement` is tsbuild's patch of just-bash (see README): the script's top-level statements
  // hand their output there, as each ends, instead of into the script's result.
  const onStatement = output
    ? (r: ExecResult) => {
        if (r.stdout) output.stdout(r.stdout);
        if (r.stderr) output.stderr(r.stderr);
      }
    : undefined;
  const options = { cwd: ctx.cwd, env, replaceEnv: true, stdin, stdinKind: "bytes" as const, signal: ctx.signal, onStatement };
  return ctx.exec(script, options);
}

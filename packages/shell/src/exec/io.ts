import { isUtf8 } from "node:buffer";
import { claimMemory } from "../sandbox/step-guard.js";
import { bytesOutput, type ExecResult, latin1FromBytes, type ResolvedCommandContext, unsafeBytesFromLatin1 } from "just-bash";

/** Collects what a simulated program writes; stdout is kept as bytes so binary data survives pipes. */
export class Output {
  private readonly out: Buffer[] = [];
  private outBytes = 0;
  private err = "";

  stdout = (data: string | Buffer): void => {
    const b = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    this.outBytes += b.length;
    claimMemory(this.outBytes);
    this.out.push(b);
  };

  stderr = (text: string): void => {
    this.err += text;
  };

  result(exitCode: number): ExecResult {
    const out = Buffer.concat(this.out);
    // Valid UTF-8 goes back as text: just-bash 3.4's redirections miscount bytes output
    // holding multi-byte characters when the command also wrote to stderr.
    if (isUtf8(out)) return { stdout: out.toString("utf8"), stderr: this.err, exitCode };
    return { ...bytesOutput(unsafeBytesFromLatin1(out.toString("latin1"))), stderr: this.err, exitCode };
  }
}

export function failure(message: string, exitCode: number): ExecResult {
  return { stdout: "", stderr: message.endsWith("\n") ? message : `${message}\n`, exitCode };
}

export function stdinOf(ctx: ResolvedCommandContext): Buffer {
  return Buffer.from(latin1FromBytes(ctx.stdin), "latin1");
}

/** The environment a child process inherits: the shell's exported variables. */
export function childEnv(ctx: ResolvedCommandContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.exportedEnv ?? {})) env[k] = v;
  return env;
}

/** $0 of the running shell, the prefix of its error messages ("/bin/sh: foo: not found"). */
export function shellName(ctx: ResolvedCommandContext): string {
  return ctx.env.get("0") || "sh";
}

/** The bytes of a result's stdout, whichever shape just-bash gave it. */
export function stdoutBytes(r: ExecResult): Buffer {
  const bytes = r.stdoutKind === "bytes" || r.stdoutEncoding === "binary";
  return Buffer.from(r.stdout, bytes ? "latin1" : "utf8");
}

/**
 * just-bash reports a hit execution limit (commands, loop iterations, recursion, nesting,
 * time) as exit status 126 or 124 with a "bash: ..." line; nothing else it prints looks so.
 */
export function limitMessage(r: Pick<ExecResult, "exitCode" | "stderr">): string | undefined {
  if (r.exitCode !== 126 && r.exitCode !== 124) return undefined;
  const lines = r.stderr.split("\n");
  return (
    lines.find((l) => /^bash: .*(exceeded|too many|limit|aborted)/i.test(l))?.replace(/^bash: /, "") ??
    // sed's and awk's own loop limits (the step's maxCommands) name the program instead.
    lines.find((l) => /^(sed|awk): .*exceeded maximum iterations/.test(l))?.replace(/^(sed|awk): (\1: )+/, "$1: ")
  );
}

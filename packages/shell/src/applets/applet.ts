import type { AccountDb } from "../users/account-files.js";
import type { Credentials } from "../sandbox/credentials.js";
import type { ProcessFs } from "../sandbox/process-fs.js";
import type { Flavour, ShellKind } from "../exec/flavour.js";

/** What one of tsbuild's own applets (chown, adduser, dd, ...) runs with. */
export interface AppletContext {
  /** argv[0] as invoked ("/bin/chown", "chown"). */
  argv0: string;
  /** Arguments after argv[0]. */
  args: string[];
  /** Whose program this is (busybox's applet or the distribution's GNU one). */
  flavour: Flavour;
  /** The shell running the command (for its builtins: echo). */
  shellKind: ShellKind;
  fs: ProcessFs;
  /** Exported environment. */
  env: Record<string, string>;
  cwd: string;
  creds: Credentials;
  stdin: Buffer;
  stdout(data: string | Buffer): void;
  stderr(text: string): void;
  /** The image's /etc/passwd and /etc/group as they are now. */
  accounts(): AccountDb;
  /** `p` made absolute against cwd. */
  resolve(p: string): string;
  /** The step's clock (RunSpec.now). */
  now(): Date;
  /** State shared by the whole step (the shell's EXIT traps). */
  shell: ShellState;
  /** The step's processes as `ps` shows them: pid and argv, process 1 first, this program last. */
  processes(): Array<{ pid: number; uid: number; argv: string[] }>;
  /** Run a program (PATH lookup in `env`) as a child: env, nice, nohup and the like. */
  exec(argv: string[], env: Record<string, string>, cwd?: string): Promise<{ stdout: Buffer; stderr: string; exitCode: number }>;
}

export interface ShellFrame {
  exitTrap?: string;
  /** Lines the shell's prologue adds before the script: just-bash counts them, the shell does not. */
  prologueLines?: number;
}

/** Per-step bookkeeping of the running shells, innermost last. */
export interface ShellState {
  frames: ShellFrame[];
}

/** An applet returns its exit status. */
export type Applet = (ctx: AppletContext) => Promise<number> | number;

/** Print "NAME: message" to stderr and return `code`. */
export function fail(ctx: AppletContext, name: string, message: string, code = 1): number {
  ctx.stderr(`${name}: ${message}\n`);
  return code;
}

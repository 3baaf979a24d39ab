import type { RunMount } from "./run-mount.js";

export type InstructionKind =
  | "FROM" | "RUN" | "CMD" | "LABEL" | "MAINTAINER" | "EXPOSE" | "ENV" | "ADD" | "COPY"
  | "ENTRYPOINT" | "VOLUME" | "USER" | "WORKDIR" | "ARG" | "ONBUILD" | "STOPSIGNAL" | "HEALTHCHECK" | "SHELL";

export interface Flag {
  /** `chown` for `--chown=a:b`. */
  name: string;
  /** After Docker's quote/backslash processing; null when written without `=`. */
  value: string | null;
  /** The flag exactly as written. */
  text: string;
}

export interface Heredoc {
  name: string;
  /**
   * The body exactly as written (each line with its line ending), as BuildKit's parser
   * keeps it. With `chomp`, the instruction uses it with leading tabs removed: see chompHeredoc.
   */
  content: string;
  /** False when any part of the name was quoted (`<<"EOF"`): no variable expansion in the body. */
  expand: boolean;
  /** `<<-`: leading tabs are stripped from the body and the terminator line. */
  chomp: boolean;
  /** `3<<EOF` → 3; absent when none was written. */
  fileDescriptor?: number;
}

export interface Pair {
  /**
   * The key and value exactly as Docker's parser keeps them: quotes and escapes still in
   * (`"two words"`, `'$A'`, `d\ e`), variables not substituted. A builder passes each to
   * ShellLex.processWord, which substitutes and removes the quotes as Docker does.
   */
  key: string;
  /** ARG without a default: null. */
  value: string | null;
  /** The value has quotes (which processWord removes). */
  quoted?: boolean;
}

export interface Healthcheck {
  none: boolean;
  /** Docker's Test: ["NONE"], ["CMD", ...] or ["CMD-SHELL", command]. */
  test?: string[];
  /** As written. */
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  retries?: number;
  /** Nanoseconds, as the image config stores them (0 when not given). */
  intervalNs?: number;
  timeoutNs?: number;
  startPeriodNs?: number;
}

/** What every instruction has, whatever its kind. */
export interface InstructionBase {
  kind: InstructionKind;
  /** As written ("run", "Run"). */
  keyword: string;
  /** 1-based, inclusive; continuation lines, skipped comments and heredoc bodies included. */
  startLine: number;
  endLine: number;
  /** Docker's node.Original, trimmed: what `Step N/M : <original>` prints. */
  original: string;
  /** Every `--flag` as written, in order (the typed fields below are what the builder reads). */
  flags: Flag[];
  /** Value of the named flag (the last one given; "" when written without `=`). */
  flag(name: string): string | undefined;
  /**
   * The arguments Docker's instruction layer receives, after flags, NOT substituted:
   * exec form: the JSON array's strings; RUN/CMD/ENTRYPOINT/SHELL shell form: [the rest];
   * COPY/ADD/VOLUME/FROM/EXPOSE: words split on blanks; WORKDIR/USER/STOPSIGNAL/MAINTAINER:
   * [the rest]; ENV/LABEL: [key1, value1, key2, value2, ...] raw (see pairs); ARG: its words
   * raw; HEALTHCHECK: [type, ...command]; ONBUILD: [trigger keyword lower-cased, ...its args].
   */
  args: string[];
  /** Exec (JSON) form. */
  json: boolean;
  heredocs: Heredoc[];
}

/**
 * A typed instruction (Docker's instructions.Command types): `kind` tells which, and each kind
 * carries its own flags and fields, checked as Docker's ParseInstruction checks them.
 */
export type Instruction =
  | FromInstruction
  | RunInstruction
  | CopyInstruction
  | AddInstruction
  | PairsInstruction
  | OnbuildInstruction
  | HealthcheckInstruction
  | PlainInstruction;

export interface FromInstruction extends InstructionBase {
  kind: "FROM";
  /** --platform, as written. */
  platform?: string;
}

export interface RunInstruction extends InstructionBase {
  kind: "RUN";
  /** --mount values, parsed and validated (empty without --mount). */
  mounts: RunMount[];
  /** --network (BuildKit only). */
  network?: string;
  /** --security (BuildKit only). */
  security?: string;
}

export interface CopyInstruction extends InstructionBase {
  kind: "COPY";
  /** Flag values as written (--chown and --from are substituted by the builder). */
  chown?: string;
  chmod?: string;
  from?: string;
  link?: string;
}

export interface AddInstruction extends InstructionBase {
  kind: "ADD";
  chown?: string;
  chmod?: string;
  checksum?: string;
  link?: string;
}

/** ENV, LABEL and ARG (ARG: value null when no default is given). */
export interface PairsInstruction extends InstructionBase {
  kind: "ENV" | "LABEL" | "ARG";
  pairs: Pair[];
}

export interface OnbuildInstruction extends InstructionBase {
  kind: "ONBUILD";
  /** The text Docker stores in the image config's OnBuild list. */
  trigger: string;
  /** The trigger, parsed, when it is an instruction Docker knows and accepts. */
  onbuild?: Instruction;
}

export interface HealthcheckInstruction extends InstructionBase {
  kind: "HEALTHCHECK";
  healthcheck: Healthcheck;
}

/** Instructions whose arguments are all they carry. */
export interface PlainInstruction extends InstructionBase {
  kind: "CMD" | "ENTRYPOINT" | "SHELL" | "MAINTAINER" | "EXPOSE" | "VOLUME" | "USER" | "WORKDIR" | "STOPSIGNAL";
}

/** The instruction of one kind. */
export type InstructionOf<K extends InstructionKind> = Instruction & { kind: K };

export interface Stage {
  index: number;
  /** The `AS` name, lower-cased as Docker stores it. */
  name?: string;
  /** The image reference as written (variables not substituted). */
  baseName: string;
  /** FROM --platform, as written. */
  platform?: string;
  from: FromInstruction;
  instructions: Instruction[];
}

export interface Dockerfile {
  escapeChar: string;
  syntax?: string;
  /** ARGs before the first FROM. */
  metaArgs: PairsInstruction[];
  stages: Stage[];
  /** Every instruction in order; Docker's Step N/M has M = all.length. */
  all: Instruction[];
  /** Docker's parser warnings, one string per line group, as dockerd prints them. */
  warnings: string[];
}

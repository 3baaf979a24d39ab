/**
 * Which stage of Docker's parse raised the error; each has its own wording:
 *  - "empty":       `the Dockerfile (Dockerfile) cannot be empty` (zero bytes)
 *  - "syntax":      `failed to parse Dockerfile: <reason>` (Docker's line parser: directives,
 *                   ENV/LABEL syntax, non-string JSON arrays, unterminated heredocs, ...)
 *  - "instruction": `dockerfile parse error line N: <reason>` (Docker's instruction layer:
 *                   unknown instructions, argument counts, flags)
 *  - "no-stage":    `no build stage in current context` (an instruction other than ARG
 *                   before the first FROM)
 *  - "trigger":     an ONBUILD trigger that does not parse (bare reason, as Docker reports it
 *                   while running the trigger in a child build)
 */
export type DockerfileParseErrorCode = "empty" | "syntax" | "instruction" | "no-stage" | "trigger";

export const NO_BUILD_STAGE_MESSAGE = "no build stage in current context";

export class DockerfileParseError extends Error {
  override name = "DockerfileParseError";
  constructor(
    message: string,
    readonly code: DockerfileParseErrorCode,
    /** The reason without Docker's prefix ("unknown instruction: FOO"). */
    readonly reason: string,
    /** 1-based line where the offending instruction starts. */
    readonly line?: number,
    /** 1-based last line of the offending instruction. */
    readonly endLine?: number,
  ) {
    super(message);
  }
}

/**
 * An error found by Docker's line parser (parser.Parse); wrapped into the daemon's
 * `failed to parse <file>: ...` by parseDockerfile. The scanner adds the location.
 */
export class LineSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line?: number,
    readonly endLine?: number,
  ) {
    super(reason);
  }

  /** This error located at the given lines, unless it already has a location. */
  at(line: number, endLine: number = line): LineSyntaxError {
    return this.line === undefined ? new LineSyntaxError(this.reason, line, endLine) : this;
  }
}

/** An error found by Docker's instruction layer (instructions.ParseInstruction). */
export class InstructionError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

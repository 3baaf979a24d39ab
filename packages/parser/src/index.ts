export type {
  Dockerfile,
  Flag,
  Healthcheck,
  Heredoc,
  AddInstruction,
  CopyInstruction,
  FromInstruction,
  HealthcheckInstruction,
  Instruction,
  InstructionBase,
  InstructionKind,
  InstructionOf,
  OnbuildInstruction,
  PairsInstruction,
  PlainInstruction,
  RunInstruction,
  Pair,
  Stage,
} from "./types.js";
export { DockerfileParseError, NO_BUILD_STAGE_MESSAGE, type DockerfileParseErrorCode } from "./errors.js";
export { parseDockerfile, parseTrigger, type ParseOptions } from "./parse.js";
export { ShellLex, ShellLexError, type ShellEnv } from "./lex.js";
export { substitutes } from "./substitutes.js";
export { chompHeredoc } from "./heredoc.js";
export { parseGoDuration, DurationError } from "./duration.js";
export type { RunMount, MountType } from "./run-mount.js";
export type { Frontend } from "./instructions.js";

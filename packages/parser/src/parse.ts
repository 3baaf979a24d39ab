// parseDockerfile: Docker 20.10's two parse passes (the line parser over the whole file,
// then the instruction layer in order) and the grouping into stages, raising the same
// first error dockerd reports.

import { DockerfileParseError, InstructionError, LineSyntaxError, NO_BUILD_STAGE_MESSAGE } from "./errors.js";
import { toLower } from "./go-text.js";
import { buildInstruction, type Frontend } from "./instructions.js";
import { scanDockerfile, type ScanResult } from "./scan.js";
import type { Dockerfile, FromInstruction, Instruction, PairsInstruction, Stage } from "./types.js";

export interface ParseOptions {
  /** The Dockerfile's name in error messages (`failed to parse <name>: ...`). Default "Dockerfile". */
  fileName?: string;
  /**
   * "classic": Docker 20.10's classic builder, which refuses BuildKit's flags (`COPY --link`,
   * `RUN --network`) with "Unknown flag". Default "buildkit", which accepts them.
   */
  frontend?: Frontend | ((syntax: string | undefined) => Frontend);
}

/** The frontend for a file whose `# syntax=` directive is `syntax`. Only "buildkit" reads heredocs (dockerfile 1.4+). */
function frontendOf(options: Pick<ParseOptions, "frontend">, syntax: string | undefined): Frontend {
  const f = options.frontend ?? "buildkit";
  return typeof f === "function" ? f(syntax) : f;
}

function scan(text: string, wrap: (e: LineSyntaxError) => DockerfileParseError, options: Pick<ParseOptions, "frontend">): ScanResult {
  try {
    return scanDockerfile(text, (syntax) => frontendOf(options, syntax) === "buildkit");
  } catch (err) {
    if (err instanceof LineSyntaxError) throw wrap(err);
    throw err;
  }
}

export function parseDockerfile(text: string, options: ParseOptions = {}): Dockerfile {
  const fileName = options.fileName ?? "Dockerfile";
  if (text.length === 0) {
    const reason = `the Dockerfile (${fileName}) cannot be empty`;
    throw new DockerfileParseError(reason, "empty", reason);
  }
  const result = scan(
    text,
    (e) => new DockerfileParseError(`failed to parse ${fileName}: ${e.reason}`, "syntax", e.reason, e.line, e.endLine),
    options,
  );
  const frontend = frontendOf(options, result.syntax);

  const all: Instruction[] = [];
  const metaArgs: PairsInstruction[] = [];
  const stages: Stage[] = [];
  for (const node of result.nodes) {
    let instruction: Instruction;
    try {
      instruction = buildInstruction(node, result.escapeToken, frontend);
    } catch (err) {
      if (!(err instanceof InstructionError)) throw err;
      throw new DockerfileParseError(
        `dockerfile parse error line ${node.startLine}: ${err.reason}`,
        "instruction",
        err.reason,
        node.startLine,
        node.endLine,
      );
    }
    all.push(instruction);
    if (instruction.kind === "FROM") {
      stages.push(newStage(stages.length, instruction));
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    } else if (instruction.kind === "ARG") {
      metaArgs.push(instruction);
    } else {
      throw new DockerfileParseError(
        NO_BUILD_STAGE_MESSAGE,
        "no-stage",
        NO_BUILD_STAGE_MESSAGE,
        instruction.startLine,
        instruction.endLine,
      );
    }
  }
  const dockerfile: Dockerfile = { escapeChar: result.escapeToken, metaArgs, stages, all, warnings: result.warnings };
  if (result.syntax !== undefined) dockerfile.syntax = result.syntax;
  return dockerfile;
}

function newStage(index: number, from: FromInstruction): Stage {
  const stage: Stage = { index, baseName: from.args[0], from, instructions: [] };
  // FROM was checked: one argument, or three with AS in the middle.
  if (from.args.length === 3) stage.name = toLower(from.args[2]);
  if (from.platform !== undefined) stage.platform = from.platform;
  return stage;
}

/**
 * Parses an ONBUILD trigger as a child build runs it (Docker's dispatchTriggeredOnBuild):
 * with the default escape token, as exactly one instruction, errors unprefixed.
 */
export function parseTrigger(expression: string, options: Pick<ParseOptions, "frontend"> = {}): Instruction {
  const trigger = (reason: string) => new DockerfileParseError(reason, "trigger", reason);
  const result = scan(expression, (e) => trigger(e.reason), options);
  if (result.nodes.length !== 1) throw trigger("onbuild trigger should be a single expression");
  let instruction: Instruction;
  try {
    instruction = buildInstruction(result.nodes[0], result.escapeToken, frontendOf(options, undefined));
  } catch (err) {
    if (err instanceof InstructionError) throw trigger(err.reason);
    throw err;
  }
  if (instruction.kind === "FROM") throw trigger("*instructions.Stage is not a command type");
  return instruction;
}

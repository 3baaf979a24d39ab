import { ShellLex, type Instruction } from "@tsbuild/parser";
import type { BuildRun } from "./builder.js";
import { substitutionEnv, type StageState } from "./state.js";

/** Variable substitution with Docker's shell lexer, using the stage's ENV and build args. */
export function expand(run: BuildRun, state: StageState, word: string): string {
  try {
    return new ShellLex(run.dockerfile.escapeChar).processWord(word, substitutionEnv(state));
  } catch (e) {
    throw run.err((e as Error).message);
  }
}

export function expandWords(run: BuildRun, state: StageState, word: string): string[] {
  try {
    return new ShellLex(run.dockerfile.escapeChar).processWords(word, substitutionEnv(state));
  } catch (e) {
    throw run.err((e as Error).message);
  }
}

/** The words of an instruction's arguments: the JSON array, or the shell-form line split and expanded. */
export function argWords(run: BuildRun, state: StageState, ins: Instruction): string[] {
  if (ins.json) return ins.args.map((a) => expand(run, state, a));
  return ins.args.flatMap((a) => expandWords(run, state, a));
}

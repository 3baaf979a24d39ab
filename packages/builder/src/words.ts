import { ShellLex, type InstructionKind, type InstructionOf } from "@tsbuild/parser";
import type { BuildRun } from "./builder.js";
import { substitutionEnv, type StageState } from "./state.js";

const NO_ENV: ReadonlyMap<string, string> = new Map();

/**
 * The lexer consults the environment only to expand `$`; building the map costs the whole Env
 * (thousands of entries after many ENV lines), so a word without `$` is lexed without it.
 */
function envFor(state: StageState, word: string): ReadonlyMap<string, string> {
  return word.includes("$") ? substitutionEnv(state) : NO_ENV;
}

/** Variable substitution with Docker's shell lexer, using the stage's ENV and build args. */
export function expand(run: BuildRun, state: StageState, word: string): string {
  try {
    return new ShellLex(run.dockerfile.escapeChar).processWord(word, envFor(state, word));
  } catch (e) {
    throw run.err((e as Error).message);
  }
}

function expandWords(run: BuildRun, state: StageState, word: string): string[] {
  try {
    return new ShellLex(run.dockerfile.escapeChar).processWords(word, envFor(state, word));
  } catch (e) {
    throw run.err((e as Error).message);
  }
}

/** The words of an instruction's arguments: the JSON array, or the shell-form line split and expanded. */
function argWords(run: BuildRun, state: StageState, ins: { json: boolean; args: string[] }): string[] {
  if (ins.json) return ins.args.map((a) => expand(run, state, a));
  return ins.args.flatMap((a) => expandWords(run, state, a));
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface CopyWords {
  srcs: string[];
  dest: string;
  /** --chown substituted; "" without it. */
  chown: string;
  /** --from substituted (COPY only). */
  from?: string;
}

/** Each instruction's arguments after substitution; kinds Docker never substitutes get nothing. */
export interface ExpandedOf {
  ENV: KeyValue[];
  LABEL: KeyValue[];
  MAINTAINER: string;
  USER: string;
  STOPSIGNAL: string;
  WORKDIR: string;
  EXPOSE: string[];
  VOLUME: string[];
  COPY: CopyWords;
  ADD: CopyWords;
  // ARG substitutes each default as it declares the one before it (ARG A=1 B=$A): its dispatcher does.
  ARG: undefined;
  RUN: undefined;
  CMD: undefined;
  ENTRYPOINT: undefined;
  SHELL: undefined;
  HEALTHCHECK: undefined;
  ONBUILD: undefined;
}

export type DispatchedKind = keyof ExpandedOf;

type Expansion<K extends DispatchedKind> = (run: BuildRun, state: StageState, ins: InstructionOf<K>) => ExpandedOf[K];

const pairs = (run: BuildRun, state: StageState, ins: InstructionOf<"ENV" | "LABEL">): KeyValue[] =>
  ins.pairs.map((p) => ({ key: expand(run, state, p.key), value: expand(run, state, p.value ?? "") }));
const line = (run: BuildRun, state: StageState, ins: { args: string[] }): string => expand(run, state, ins.args.join(" "));
const none = (): undefined => undefined;

function copyWords(run: BuildRun, state: StageState, ins: InstructionOf<"COPY" | "ADD">): CopyWords {
  const words = ins.args.map((a) => expand(run, state, a));
  const chown = ins.chown !== undefined ? expand(run, state, ins.chown) : "";
  const from = ins.kind === "COPY" && ins.from !== undefined ? expand(run, state, ins.from) : undefined;
  return { srcs: words.slice(0, -1), dest: words[words.length - 1], chown, from };
}

/**
 * Substitution happens here, once per instruction, before its dispatcher runs (moby's evaluator
 * calls each command's Expand the same way), with the environment the step starts with.
 */
export const expansions: { [K in DispatchedKind]: Expansion<K> } = {
  ENV: pairs,
  LABEL: pairs,
  MAINTAINER: line,
  USER: line,
  STOPSIGNAL: line,
  WORKDIR: line,
  EXPOSE: argWords,
  VOLUME: argWords,
  COPY: copyWords,
  ADD: copyWords,
  ARG: none,
  RUN: none,
  CMD: none,
  ENTRYPOINT: none,
  SHELL: none,
  HEALTHCHECK: none,
  ONBUILD: none,
};

// Docker's BFlags.Parse (buildkit v0.8 instructions/bflag.go): checks an instruction's
// `--flags` against the ones it accepts, with Docker's error messages.

import { InstructionError } from "./errors.js";
import type { FlagWord } from "./split-command.js";

export type FlagType = "string" | "strings" | "bool";

export interface ParsedFlag {
  name: string;
  /** null when written without `=`. */
  value: string | null;
  text: string;
}

/** Splits a processed flag word (`--chown=a:b`) into name and value. */
export function splitFlag(word: FlagWord): ParsedFlag {
  const body = word.value.startsWith("--") ? word.value.slice(2) : word.value;
  const eq = body.indexOf("=");
  return eq < 0
    ? { name: body, value: null, text: word.text }
    : { name: body.slice(0, eq), value: body.slice(eq + 1), text: word.text };
}

/**
 * Validates `words` against `accepted` in Docker's order, throwing the first error Docker
 * would report. Flag-less instructions pass `{}`: any flag is then "Unknown flag".
 */
export function checkFlags(words: FlagWord[], accepted: Readonly<Record<string, FlagType>>): void {
  const used = new Set<string>();
  for (const word of words) {
    if (!word.value.startsWith("--")) throw new InstructionError(`Arg should start with -- : ${word.value}`);
    if (word.value === "--") return;
    const { name, value } = splitFlag(word);
    const type = Object.hasOwn(accepted, name) ? accepted[name] : undefined;
    if (!type) throw new InstructionError(`Unknown flag: ${name}`);
    if (used.has(name) && type !== "strings") throw new InstructionError(`Duplicate flag specified: ${name}`);
    used.add(name);
    if (type === "bool") {
      if (value === "") throw new InstructionError(`Missing a value on flag: ${name}`);
      if (value !== null && !["true", "false"].includes(value.toLowerCase())) {
        throw new InstructionError(`Expecting boolean value for flag ${name}, not: ${value}`);
      }
    } else if (value === null) {
      throw new InstructionError(`Missing a value on flag: ${name}`);
    }
  }
}

// Docker's line parsers (buildkit v0.8 parser.go newNodeFromLine + line_parsers.go): one
// logical line becomes a node with the keyword, flags and arguments. Errors raised here
// are the ones dockerd reports as `failed to parse Dockerfile: ...`.

import { LineSyntaxError } from "./errors.js";
import { isSpace, splitWhitespaceAll, splitWhitespaceOnce } from "./go-text.js";
import { goQuote } from "@tsbuild/dockerfmt";
import { NOT_STRING_ARRAY_MESSAGE, parseJsonArray } from "./json-array.js";
import { splitCommand, type FlagWord } from "./split-command.js";
import { parseWords } from "./words.js";

export interface RawHeredoc {
  name: string;
  /** The body exactly as written, each line with its line ending. */
  content: string;
  expand: boolean;
  chomp: boolean;
  /** Absent when the operator had no number in front (`<<EOF`). */
  fileDescriptor?: number;
}

export interface LineNode {
  keyword: string;
  /** Lower-cased keyword. */
  cmd: string;
  flags: FlagWord[];
  /** Docker's node values: what its instruction layer receives as arguments. */
  args: string[];
  json: boolean;
  /** The logical line as Docker keeps it (Node.Original): joined, not yet trimmed. */
  original: string;
  /** ONBUILD's trigger, parsed the same way. */
  sub?: LineNode;
  heredocs: RawHeredoc[];
}

interface Parsed {
  args: string[];
  json: boolean;
  sub?: LineNode;
}

type LineParser = (rest: string, escapeToken: string) => Parsed;

const shell = (args: string[]): Parsed => ({ args, json: false });

function parseJson(rest: string): Parsed | undefined {
  const result = parseJsonArray(rest);
  if (result.kind === "not-strings") throw new LineSyntaxError(NOT_STRING_ARRAY_MESSAGE);
  return result.kind === "strings" ? { args: result.values, json: true } : undefined;
}

function parseStringsWhitespaceDelimited(rest: string): Parsed {
  return shell(rest === "" ? [] : splitWhitespaceAll(rest));
}

/** RUN, CMD, ENTRYPOINT, SHELL: a JSON array, else the whole rest as one string. */
function parseMaybeJson(rest: string): Parsed {
  if (rest === "") return shell([]);
  return parseJson(rest) ?? shell([rest]);
}

/** ADD, COPY, VOLUME: a JSON array, else whitespace-separated words. */
function parseMaybeJsonToList(rest: string): Parsed {
  return parseJson(rest) ?? parseStringsWhitespaceDelimited(rest);
}

function parseString(rest: string): Parsed {
  return shell(rest === "" ? [] : [rest]);
}

/**
 * ENV and LABEL: `KEY=VALUE ...`, or the old `KEY VALUE` form when the first word has no
 * `=`. Arguments come out flattened: [key1, value1, key2, value2, ...].
 */
function parseNameVal(rest: string, escapeToken: string, keyword: string): Parsed {
  const words = parseWords(rest, escapeToken);
  if (words.length === 0) return shell([]);
  if (!words[0].includes("=")) {
    const parts = splitWhitespaceOnce(rest);
    if (parts.length < 2) throw new LineSyntaxError(`${keyword} must have two arguments`);
    return shell(parts);
  }
  const args: string[] = [];
  for (const word of words) {
    const eq = word.indexOf("=");
    if (eq < 0) {
      throw new LineSyntaxError(`Syntax error - can't find = in ${goQuote(word)}. Must be of the form: name=value`);
    }
    args.push(word.slice(0, eq), word.slice(eq + 1));
  }
  return shell(args);
}

function parseHealthConfig(rest: string): Parsed {
  // Go scans bytes here; only ASCII whitespace can be a whole byte of valid UTF-8.
  const isByteSpace = (i: number) => rest.charCodeAt(i) < 0x80 && isSpace(rest[i]);
  let sep = 0;
  while (sep < rest.length && !isByteSpace(sep)) sep++;
  let next = sep;
  while (next < rest.length && isByteSpace(next)) next++;
  if (sep === 0) return shell([]);
  const cmd = parseMaybeJson(rest.slice(next));
  return { args: [rest.slice(0, sep), ...cmd.args], json: cmd.json };
}

function parseSubCommand(rest: string, escapeToken: string): Parsed {
  if (rest === "") return shell([]);
  const sub = parseLineNode(rest, escapeToken);
  return { args: [sub.cmd, ...sub.args], json: false, sub };
}

const lineParsers: Record<string, LineParser> = {
  add: parseMaybeJsonToList,
  arg: (rest, esc) => shell(parseWords(rest, esc)),
  cmd: parseMaybeJson,
  copy: parseMaybeJsonToList,
  entrypoint: parseMaybeJson,
  env: (rest, esc) => parseNameVal(rest, esc, "ENV"),
  expose: parseStringsWhitespaceDelimited,
  from: parseStringsWhitespaceDelimited,
  healthcheck: parseHealthConfig,
  label: (rest, esc) => parseNameVal(rest, esc, "LABEL"),
  maintainer: parseString,
  onbuild: parseSubCommand,
  run: parseMaybeJson,
  shell: parseMaybeJson,
  stopsignal: parseString,
  user: parseString,
  volume: parseMaybeJsonToList,
  workdir: parseString,
};

/** Docker's newNodeFromLine. Unknown keywords parse (with no arguments); the instruction layer rejects them. */
export function parseLineNode(line: string, escapeToken: string): LineNode {
  const { keyword, cmd, flags, rest } = splitCommand(line);
  const parse = Object.hasOwn(lineParsers, cmd) ? lineParsers[cmd] : undefined;
  const parsed = parse ? parse(rest, escapeToken) : shell([]);
  return { keyword, cmd, flags, args: parsed.args, json: parsed.json, original: line, sub: parsed.sub, heredocs: [] };
}

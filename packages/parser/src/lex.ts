// Docker's variable substitution: the shell lexer of moby/buildkit
// frontend/dockerfile/shell/lex.go as vendored by Docker 20.10 (buildkit v0.8).
//
// Supported, exactly as 20.10 does: $V, ${V}, ${V:-w}, ${V:+w}, ${V:?msg}, ${V?msg},
// the escape token (\ or `), single quotes (no substitution), double quotes (only $, ",
// and the escape token are special). 20.10 rejects ${V-w}, ${V+w}, ${V#p}, ... with
// "missing ':' in substitution"; later BuildKit releases accept them.
//
// Internal modes (LexMode) follow the newer BuildKit lexer where Docker 20.10 has no
// equivalent: finding heredoc operators (`<<EOF`) in a line with every variable left as
// written, and telling whether an ENV/LABEL/ARG value is quoted.

import { isDigit, isLetter } from "./go-text.js";
import { goQuote } from "@tsbuild/dockerfmt";
import { EOF, RuneScanner, WordCollector, type Ch } from "./lex-scanner.js";

export type ShellEnv = ReadonlyMap<string, string> | Readonly<Record<string, string>> | readonly string[];

export class ShellLexError extends Error {
  override name = "ShellLexError";
  constructor(
    /** The word being processed, as given. */
    readonly word: string,
    /** What went wrong ("U: is not allowed to be unset"). */
    readonly reason: string,
  ) {
    super(`failed to process ${goQuote(word)}: ${reason}`);
  }
}

/** Errors inside the lexer, before ShellLexError adds the word. */
class LexFailure extends Error {}

function isSpecialParam(ch: string): boolean {
  return "@*#?-$!0".includes(ch);
}

export interface LexMode {
  /** Keep quote characters in the output (BuildKit's RawQuotes). */
  rawQuotes: boolean;
  /** Keep escape characters in the output (BuildKit's RawEscapes; newer lexer only). */
  rawEscapes: boolean;
  /**
   * Reproduce every `$...` as written instead of substituting it (BuildKit's SkipUnsetEnv
   * with no variables set), following the newer lexer's ${...} grammar.
   */
  verbatimVariables: boolean;
  /** Keep `<<` and the blanks after it with the next word (newer lexer, for heredocs). */
  heredocOperators: boolean;
}

const dockerMode: LexMode = { rawQuotes: false, rawEscapes: false, verbatimVariables: false, heredocOperators: false };

class ShellWord {
  private readonly scanner: RuneScanner;
  private rawEscapes: boolean;

  constructor(
    text: string,
    private readonly env: ReadonlyMap<string, string>,
    private readonly escapeToken: string,
    private readonly mode: LexMode,
  ) {
    this.scanner = new RuneScanner(text);
    this.rawEscapes = mode.rawEscapes;
  }

  run(): { word: string; words: string[] } {
    return this.processStopOn(EOF, this.rawEscapes);
  }

  private processStopOn(stopChar: Ch, rawEscapes: boolean): { word: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.scanUntil(stopChar);
    } finally {
      this.rawEscapes = saved;
    }
  }

  private scanUntil(stopChar: Ch): { word: string; words: string[] } {
    let result = "";
    const words = new WordCollector();
    const s = this.scanner;
    while (s.peek() !== EOF) {
      const ch = s.peek()!;
      if (stopChar !== EOF && ch === stopChar) {
        s.next();
        return { word: result, words: words.getWords() };
      }
      const special = this.specialHandler(ch);
      if (special) {
        const tmp = special();
        result += tmp;
        if (ch === "$") words.addString(tmp);
        else words.addRawString(tmp);
        continue;
      }
      let c = s.next()!;
      if (c === this.escapeToken) {
        if (this.rawEscapes) {
          words.addRawChar(c);
          result += c;
        }
        // The escape token escapes the next character, except at the end.
        const escaped = s.next();
        if (escaped === EOF) break;
        c = escaped;
        words.addRawChar(c);
      } else {
        words.addChar(c);
      }
      result += c;
    }
    if (stopChar !== EOF) {
      throw new LexFailure(`unexpected end of statement while looking for matching ${stopChar}`);
    }
    return { word: result, words: words.getWords() };
  }

  private specialHandler(ch: string): (() => string) | undefined {
    switch (ch) {
      case "'":
        return () => this.processSingleQuote();
      case '"':
        return () => this.processDoubleQuote();
      case "$":
        return () => this.processDollar();
      case "<":
        return this.mode.heredocOperators ? () => this.processPossibleHeredoc() : undefined;
      default:
        return undefined;
    }
  }

  private processSingleQuote(): string {
    // Everything up to the next ' is literal; a ' cannot be escaped inside.
    const s = this.scanner;
    let result = "";
    const open = s.next()!;
    if (this.mode.rawQuotes) result += open;
    for (;;) {
      const ch = s.next();
      if (ch === EOF) throw new LexFailure("unexpected end of statement while looking for matching single-quote");
      if (ch === "'") {
        if (this.mode.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    // Only $, " and the escape token are special; other escapes stay as written.
    const s = this.scanner;
    let result = "";
    const open = s.next()!;
    if (this.mode.rawQuotes) result += open;
    for (;;) {
      const peek = s.peek();
      if (peek === EOF) throw new LexFailure("unexpected end of statement while looking for matching double-quote");
      if (peek === '"') {
        const close = s.next()!;
        if (this.mode.rawQuotes) result += close;
        return result;
      }
      if (peek === "$") {
        result += this.processDollar();
        continue;
      }
      let ch = s.next()!;
      if (ch === this.escapeToken) {
        if (this.rawEscapes) result += ch;
        const after = s.peek();
        if (after === EOF) continue; // an escape at the very end is dropped
        if (after === '"' || after === "$" || after === this.escapeToken) ch = s.next()!;
      }
      result += ch;
    }
  }

  /** The word after a modifier, up to `stop`; running off the end is "missing '}'". */
  private modifierWord(stop: string, rawEscapes: boolean, missing: string): string {
    try {
      return this.processStopOn(stop, rawEscapes).word;
    } catch (err) {
      if (err instanceof LexFailure && this.scanner.peek() === EOF) throw new LexFailure(missing);
      throw err;
    }
  }

  private lookup(name: string): { value: string; found: boolean } {
    const value = this.env.get(name);
    return value === undefined ? { value: "", found: false } : { value, found: true };
  }

  private processDollar(): string {
    const s = this.scanner;
    s.next(); // the $
    if (s.peek() !== "{") {
      const name = this.processName();
      if (name === "") return "$";
      if (this.mode.verbatimVariables) return "$" + name;
      return this.lookup(name).value;
    }
    s.next(); // the {
    const first = s.peek();
    if (first === EOF) throw new LexFailure("syntax error: missing '}'");
    if (first === "{" || first === "}" || first === ":") throw new LexFailure("syntax error: bad substitution");
    const name = this.processName();
    if (this.mode.verbatimVariables) return this.verbatimBraced(name);

    const ch = s.next();
    if (ch === "}") return this.lookup(name).value;
    if (ch === "?") {
      const word = this.modifierWord("}", false, "syntax error: missing '}'");
      const { value, found } = this.lookup(name);
      if (!found) throw new LexFailure(`${name}: ${word !== "" ? word : "is not allowed to be unset"}`);
      return value;
    }
    if (ch === ":") {
      const modifier = s.next();
      const word = this.modifierWord("}", false, "syntax error: missing '}'");
      const { value, found } = this.lookup(name);
      switch (modifier) {
        case "+":
          return value !== "" ? word : value;
        case "-":
          return value === "" ? word : value;
        case "?":
          if (!found) throw new LexFailure(`${name}: ${word !== "" ? word : "is not allowed to be unset"}`);
          if (value === "") throw new LexFailure(`${name}: ${word !== "" ? word : "is not allowed to be empty"}`);
          return value;
        default:
          throw new LexFailure(`unsupported modifier (${modifier ?? "\uFFFD"}) in substitution`);
      }
    }
    throw new LexFailure("missing ':' in substitution");
  }

  /**
   * The newer lexer's ${...} grammar with every variable unset and SkipUnsetEnv on:
   * the expression comes back as text (its inner words processed).
   */
  private verbatimBraced(name: string): string {
    const s = this.scanner;
    let ch = s.next();
    let chs = ch ?? "\uFFFD";
    if (ch === "}") return "${" + name + "}";
    if (ch === "/") {
      if (s.peek() === "/") s.next(); // replace-all; BuildKit drops the second / when reproducing
      const pattern = this.modifierWord("/", true, "syntax error: missing '/' in ${}");
      const replacement = this.modifierWord("}", true, "syntax error: missing '}'");
      return "${" + name + "/" + pattern + "/" + replacement + "}";
    }
    let nullIsUnset = false;
    if (ch === ":") {
      nullIsUnset = true;
      ch = s.next();
      chs += ch ?? "\uFFFD";
    } else if (ch === EOF || !"+-?#%".includes(ch)) {
      throw new LexFailure(`unsupported modifier (${chs}) in substitution`);
    }
    const rawEscapes = ch === "#" || ch === "%";
    if (nullIsUnset && rawEscapes) throw new LexFailure(`unsupported modifier (${chs}) in substitution`);
    const word = this.modifierWord("}", rawEscapes, "syntax error: missing '}'");
    return "${" + name + chs + word + "}";
  }

  private processPossibleHeredoc(): string {
    const s = this.scanner;
    s.next(); // the first <
    if (s.peek() !== "<") return "<";
    s.next();
    let space = "";
    for (let p = s.peek(); p === " " || p === "\t" || p === "\r"; p = s.peek()) space += s.next();
    return "<<" + space;
  }

  private processName(): string {
    const s = this.scanner;
    let name = "";
    for (let ch = s.peek(); ch !== EOF; ch = s.peek()) {
      if (name === "" && isDigit(ch)) {
        // Positional parameters: $1, $23 -- all the digits.
        for (let d = s.peek(); d !== EOF && isDigit(d); d = s.peek()) name += s.next();
        return name;
      }
      if (name === "" && isSpecialParam(ch)) return s.next()!;
      if (!isLetter(ch) && !isDigit(ch) && ch !== "_") break;
      name += s.next();
    }
    return name;
  }
}

function envToMap(env: ShellEnv): ReadonlyMap<string, string> {
  if (env instanceof Map) return env;
  const map = new Map<string, string>();
  if (Array.isArray(env)) {
    // Docker's "KEY=VALUE" list; a later entry wins; a bare KEY is set to "".
    for (const entry of env as readonly string[]) {
      const i = entry.indexOf("=");
      if (i < 0) map.set(entry, "");
      else map.set(entry.slice(0, i), entry.slice(i + 1));
    }
    return map;
  }
  for (const [k, v] of Object.entries(env as Record<string, string>)) map.set(k, v);
  return map;
}

/** Runs the lexer in a given mode; throws ShellLexError. */
export function lexWord(
  text: string,
  env: ShellEnv,
  escapeToken: string,
  mode: LexMode,
): { word: string; words: string[] } {
  try {
    return new ShellWord(text, envToMap(env), escapeToken, mode).run();
  } catch (err) {
    if (err instanceof LexFailure) throw new ShellLexError(text, err.message);
    throw err;
  }
}

/** Docker's shell lexer for variable substitution in Dockerfile instructions. */
export class ShellLex {
  readonly escapeChar: string;

  constructor(escapeChar: string = "\\") {
    if (escapeChar !== "\\" && escapeChar !== "`") {
      throw new Error(`invalid escape token '${escapeChar}' does not match \` or \\`);
    }
    this.escapeChar = escapeChar;
  }

  /**
   * Substitutes variables and removes quotes and escapes, keeping whitespace between words
   * (Docker's ProcessWord). Unset variables become "". Throws ShellLexError.
   */
  processWord(word: string, env: ShellEnv): string {
    return lexWord(word, env, this.escapeChar, dockerMode).word;
  }

  /**
   * Like processWord, then splits into words on whitespace that was not quoted or escaped;
   * whitespace inside a variable's value splits too (Docker's ProcessWords, used by EXPOSE).
   */
  /** processWord keeping quote characters (BuildKit's RawQuotes), as BuildKit names its steps. */
  processWordRawQuotes(word: string, env: ShellEnv): string {
    return lexWord(word, env, this.escapeChar, { ...dockerMode, rawQuotes: true }).word;
  }

  processWords(word: string, env: ShellEnv): string[] {
    return lexWord(word, env, this.escapeChar, dockerMode).words;
  }
}

// ShellLex: Docker 20.10's variable substitution. The dockerd-observed tests check the
// same behaviour end to end; these pin each rule down on its own.

import { ShellLex, ShellLexError } from "@tsbuild/parser";
import { describe, expect, it } from "vitest";

const env = { V: "val", E: "", SP: "a  b", DIR: "/opt/app" };
const lex = new ShellLex();
const word = (w: string, e: Record<string, string> = env) => lex.processWord(w, e);
const failure = (w: string, l: ShellLex = lex) => {
  try {
    l.processWord(w, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ShellLexError);
    return (err as Error).message;
  }
  throw new Error(`expected ${w} to fail`);
};

describe("substitution", () => {
  it.each([
    ["$V", "val"],
    ["${V}", "val"],
    ["x${V}y", "xvaly"],
    ["$Vy", ""], // the name runs on: $Vy is unset
    ["$U", ""],
    ["${U}", ""],
    ["${V:-d}", "val"],
    ["${U:-d}", "d"],
    ["${E:-d}", "d"],
    ["${V:+alt}", "alt"],
    ["${U:+alt}", ""],
    ["${E:+alt}", ""],
    ["${V:?boom}", "val"],
    ["${E?boom}", ""],
    ["${U:-${V:-x}}", "val"],
    ["${V:+\"q $V\"}", "q val"],
    ["$", "$"],
    ["a$", "a$"],
    ["$1$@$$", ""],
    ["$12x", "x"],
  ])("%s → %s", (w, expected) => expect(word(w)).toBe(expected));

  it("looks names up exactly (case matters on Linux)", () => {
    expect(word("$v")).toBe("");
  });

  it("takes the environment as a Map, a record or Docker's KEY=VALUE list (later entries win)", () => {
    expect(lex.processWord("$A-$B", new Map([["A", "1"], ["B", "2"]]))).toBe("1-2");
    expect(lex.processWord("$A-$B", ["A=1", "B=x", "B=2", "C"])).toBe("1-2");
    expect(lex.processWord("[$C]", ["C"])).toBe("[]");
  });

  it("does not treat inherited object properties as variables", () => {
    expect(word("[$constructor][$toString]")).toBe("[][]");
  });
});

describe("quotes and escapes", () => {
  it.each([
    ["\\$V", "$V"],
    ['"\\$V"', "$V"],
    ["'$V'", "$V"],
    ['"$V"', "val"],
    ["a\\\\b", "a\\b"],
    ['"a\\\\b"', "a\\b"],
    ['"a\\zb"', "a\\zb"], // inside "", only $ " and the escape token can be escaped
    ["a\\zb", "azb"],
    ["'a\\zb'", "a\\zb"],
    ["abc\\", "abc"], // an escape at the end is dropped
    ['"x\\"y"', 'x"y'],
    ["'it'\\''s'", "it's"], // no escaping inside '...'; the \ between the quoted parts escapes a '
    ['"a  b"c', "a  bc"],
  ])("%s → %s", (w, expected) => expect(word(w)).toBe(expected));

  it("c13: COPY e.txt $DIR/literal-\\$DIR.txt", () => {
    expect(word("$DIR/literal-\\$DIR.txt")).toBe("/opt/app/literal-$DIR.txt");
  });

  it("with escape=` the backslash is an ordinary character (c23: C:\\Tools)", () => {
    const tick = new ShellLex("`");
    expect(tick.processWord("C:\\Tools", env)).toBe("C:\\Tools");
    expect(tick.processWord("x`$V", env)).toBe("x$V");
    expect(tick.processWord('"q`"q"', env)).toBe('q"q');
    expect(tick.processWord("'`$z'", env)).toBe("`$z");
  });

  it("drops a byte-order mark at the start of a word, as Go's text/scanner does", () => {
    expect(word("\uFEFF$V")).toBe("val");
  });
});

describe("errors, in Docker's words", () => {
  it.each([
    ["${U:?boom}", 'failed to process "${U:?boom}": U: boom'],
    ["${U:?}", 'failed to process "${U:?}": U: is not allowed to be unset'],
    ["${E:?}", 'failed to process "${E:?}": E: is not allowed to be empty'],
    ["${U?boom}", 'failed to process "${U?boom}": U: boom'],
    // Docker 20.10 has none of the colon-less forms but ?; newer BuildKit accepts them.
    ["${U-d}", "failed to process \"${U-d}\": missing ':' in substitution"],
    ["${V+d}", "failed to process \"${V+d}\": missing ':' in substitution"],
    ["${V#v}", "failed to process \"${V#v}\": missing ':' in substitution"],
    ["${V:=x}", 'failed to process "${V:=x}": unsupported modifier (=) in substitution'],
    ["${}", 'failed to process "${}": syntax error: bad substitution'],
    ["${:a}", 'failed to process "${:a}": syntax error: bad substitution'],
    ["${", "failed to process \"${\": syntax error: missing '}'"],
    ["${V", "failed to process \"${V\": missing ':' in substitution"],
    ["${V:-abc", "failed to process \"${V:-abc\": syntax error: missing '}'"],
    ['"abc', 'failed to process "\\"abc": unexpected end of statement while looking for matching double-quote'],
    ["'abc", "failed to process \"'abc\": unexpected end of statement while looking for matching single-quote"],
    ["a\nb'", "failed to process \"a\\nb'\": unexpected end of statement while looking for matching single-quote"],
  ])("%s", (w, message) => expect(failure(w)).toBe(message));

  it("keeps the word and the bare reason on the error", () => {
    try {
      word("${U:?boom}");
    } catch (err) {
      expect(err).toMatchObject({ word: "${U:?boom}", reason: "U: boom" });
    }
  });

  it("accepts only \\ and ` as the escape token", () => {
    expect(() => new ShellLex("x")).toThrow("invalid escape token 'x' does not match ` or \\");
  });
});

describe("processWords (EXPOSE: one word can become several)", () => {
  const words = (w: string, e: Record<string, string> = {}) => lex.processWords(w, e);
  it.each([
    ["hello", {}, ["hello"]],
    ["hello${space}bye", { space: "abc  def" }, ["helloabc", "defbye"]],
    ['hello"${space}"bye', { space: "abc  def" }, ["helloabc  defbye"]],
    ["hello${leading}def", { leading: "  ab c" }, ["hello", "ab", "cdef"]],
    ["hello there     ", {}, ["hello", "there"]],
    ["hello\\ there", {}, ["hello there"]],
    ['hello\\" there', {}, ['hello"', "there"]],
    ['"" a', {}, ["a"]],
    ["$P 8080", { P: "80 443/udp" }, ["80", "443/udp", "8080"]],
  ])("%s", (w, e, expected) => expect(words(w, e)).toEqual(expected));

  it("fails like processWord", () => {
    expect(() => words('"/x')).toThrow(ShellLexError);
  });
});

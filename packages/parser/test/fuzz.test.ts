// Fuzzing: random and mutated Dockerfiles only ever give a Dockerfile or a
// DockerfileParseError -- never another exception, never a hang (vitest's timeout would
// catch one). The PRNG is seeded: a failure names the seed and iteration to replay.

import { DockerfileParseError, ShellLex, ShellLexError, parseDockerfile, parseTrigger, type Dockerfile } from "@tsbuild/parser";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { trimSpace } from "../src/go-text.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const casesDir = [
  path.resolve(here, "../../../test/conformance/cases"),
  path.resolve(here, "../../../../shared/conformance/cases"),
].find((d) => fs.existsSync(d));

function corpus(): string[] {
  const texts: string[] = [];
  for (const name of casesDir ? fs.readdirSync(casesDir) : []) {
    for (const sub of ["context", "parent"]) {
      const file = path.join(casesDir!, name, sub, "Dockerfile");
      if (fs.existsSync(file)) texts.push(fs.readFileSync(file, "utf8"));
    }
  }
  const observed = JSON.parse(fs.readFileSync(path.join(here, "fixtures/dockerd-observed.json"), "utf8")) as Array<{ dockerfile: string }>;
  texts.push(...observed.map((o) => o.dockerfile));
  texts.push(
    "FROM scratch\nRUN <<EOF\necho hi\nEOF\nCOPY <<-A <<B /x/\n\ta\n\tA\nb\nB\nONBUILD RUN <<'Q'\nq\nQ\n",
    "ARG A=1\nFROM scratch AS s\nHEALTHCHECK --interval=1s --retries=2 CMD [\"true\"]\nRUN --mount=type=cache,target=/c make\n",
  );
  return texts;
}

/** mulberry32: small, seedable, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fragments = [
  "\\", "`", '"', "'", "[", "]", "{", "}", "$", "${", "${A:-", "<<", "<<-EOF", "<<'EOF'", "EOF", "\n", "\r", "\r\n",
  "\t", " ", "#", "=", "--", "--from=", "\u00a0", "\uFEFF", "é", "😀", "\\\n", "`\n", '["a", ', "1]", "\u0000",
];
const lines = [
  "# escape=`", "# escape=\\", "# syntax=x", "RUN <<EOF", "EOF", "ONBUILD ONBUILD x", "ONBUILD RUN <<A", "A", "FROM x AS y",
  "FROM", "COPY --from=a b c", "HEALTHCHECK --interval=5s CMD true", "HEALTHCHECK NONE", 'ENV a="b', "ENV a", "ARG",
  "\\", "", "  ", "RUN --mount=type=secret,id=x cat", 'CMD ["a", 1]', "SHELL x", "LABEL =", "EXPOSE", "WORKDIR a b",
];
const keywords = ["FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
  "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "FOO"];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const at = () => Math.floor(rnd() * (text.length + 1));
  const split = () => text.split("\n");
  switch (Math.floor(rnd() * 8)) {
    case 0: {
      const i = at();
      return text.slice(0, i) + text.slice(i + 1 + Math.floor(rnd() * 8));
    }
    case 1: {
      const i = at();
      return text.slice(0, i) + pick(fragments) + text.slice(i);
    }
    case 2: {
      const ls = split();
      const i = Math.floor(rnd() * ls.length);
      ls.splice(i, 0, ls[i]);
      return ls.join("\n");
    }
    case 3: {
      const ls = split();
      ls.splice(Math.floor(rnd() * (ls.length + 1)), 0, pick(lines));
      return ls.join("\n");
    }
    case 4: {
      const ls = split();
      ls.splice(Math.floor(rnd() * ls.length), 1);
      return ls.join("\n");
    }
    case 5: {
      const ls = split();
      const i = Math.floor(rnd() * ls.length);
      ls[i] = ls[i].replace(/^\s*\S+/, pick(keywords));
      return ls.join("\n");
    }
    case 6:
      return text.slice(0, at());
    default: {
      const i = at();
      return text.slice(0, i) + pick(["\\", "`", '"', "'", "[", "]", "<<"]).repeat(1 + Math.floor(rnd() * 3)) + text.slice(i);
    }
  }
}

const words = ["a", "b=c", "/x", "scratch", "AS", "name", "--chown=1", "$A", "${A}", "x=\"y z\"", "CMD", "NONE", "80/tcp"];

function randomDockerfile(rnd: () => number): string {
  const out: string[] = [];
  const n = 1 + Math.floor(rnd() * 8);
  for (let i = 0; i < n; i++) {
    let line = keywords[Math.floor(rnd() * keywords.length)];
    const parts = Math.floor(rnd() * 6);
    for (let j = 0; j < parts; j++) {
      line += rnd() < 0.7 ? " " : "";
      line += rnd() < 0.5 ? fragments[Math.floor(rnd() * fragments.length)] : words[Math.floor(rnd() * words.length)];
    }
    out.push(line);
  }
  return out.join(rnd() < 0.9 ? "\n" : "\r\n");
}

/** What every successful parse must satisfy. */
function checkInvariants(df: Dockerfile, text: string): void {
  const lineCount = text.split("\n").length;
  const inStages = df.stages.reduce((n, s) => n + 1 + s.instructions.length, 0);
  expect(df.all.length).toBe(df.metaArgs.length + inStages);
  expect(["\\", "`"]).toContain(df.escapeChar);
  let previousEnd = 0;
  for (const ins of df.all) {
    expect(ins.startLine).toBeGreaterThan(previousEnd);
    expect(ins.endLine).toBeGreaterThanOrEqual(ins.startLine);
    expect(ins.endLine).toBeLessThanOrEqual(lineCount);
    expect(ins.original).toBe(trimSpace(ins.original));
    previousEnd = ins.endLine;
    if (ins.trigger !== undefined) expectOnlyParseErrors(() => parseTrigger(ins.trigger!));
  }
}

function expectOnlyParseErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof DockerfileParseError)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
  }
}

function run(seed: number, iterations: number, make: (rnd: () => number) => string): void {
  const rnd = prng(seed);
  const lexers = [new ShellLex("\\"), new ShellLex("`")];
  for (let i = 0; i < iterations; i++) {
    const text = make(rnd);
    try {
      let df: Dockerfile | undefined;
      expectOnlyParseErrors(() => (df = parseDockerfile(text)));
      if (df) checkInvariants(df, text);
      // The lexer too, on pieces of the same text.
      for (const word of text.split("\n").slice(0, 4)) {
        for (const lex of lexers) {
          try {
            lex.processWords(word, { A: "x y", B: "" });
          } catch (err) {
            if (!(err instanceof ShellLexError)) throw err;
          }
        }
      }
    } catch (err) {
      throw new Error(`seed ${seed}, iteration ${i}, input ${JSON.stringify(text)}: ${(err as Error).stack}`);
    }
  }
}

describe("fuzz", () => {
  const texts = corpus();

  it("has a corpus to mutate", () => expect(texts.length).toBeGreaterThan(100));

  it("mutated Dockerfiles", () => {
    run(20240601, 3000, (rnd) => {
      let text = texts[Math.floor(rnd() * texts.length)];
      const n = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < n; k++) text = mutate(text, rnd);
      return text;
    });
  });

  it("random Dockerfiles", () => {
    run(7, 2000, randomDockerfile);
  });

  it("random bytes", () => {
    run(99, 500, (rnd) => {
      const alphabet = fragments.join("") + "abcFROMRUN \n";
      let s = "";
      const n = Math.floor(rnd() * 200);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      return s;
    });
  });
});

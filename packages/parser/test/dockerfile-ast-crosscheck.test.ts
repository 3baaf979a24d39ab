// dockerfile-ast (an independent, well-kept Dockerfile parser) as a second opinion: on
// ordinary Dockerfiles it must find the same instructions on the same lines. The parser
// does not build on it because it differs from dockerd on the inputs listed at the end
// (each one recorded from a real dockerd in fixtures/dockerd-observed.json).

import { parseDockerfile } from "@tsbuild/parser";
import { DockerfileParser } from "dockerfile-ast";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
const casesDir = [
  path.resolve(here, "../../../test/conformance/cases"),
  path.resolve(here, "../../../../shared/conformance/cases"),
].find((d) => fs.existsSync(d));

const dockerfiles = (casesDir ? fs.readdirSync(casesDir) : [])
  .flatMap((name) => ["context", "parent"].map((sub) => path.join(casesDir!, name, sub, "Dockerfile")))
  .filter((f) => fs.existsSync(f));

interface Outline {
  escape: string;
  instructions: Array<[keyword: string, startLine: number, endLine: number]>;
}

function theirs(text: string): Outline {
  const df = DockerfileParser.parse(text);
  return {
    escape: df.getEscapeCharacter(),
    instructions: df.getInstructions().map((i) => {
      const r = i.getRange();
      return [i.getKeyword(), r.start.line + 1, r.end.line + 1];
    }),
  };
}

function ours(text: string): Outline {
  const df = parseDockerfile(text);
  return { escape: df.escapeChar, instructions: df.all.map((i) => [i.keyword.toUpperCase(), i.startLine, i.endLine]) };
}

describe("agreement with dockerfile-ast on ordinary Dockerfiles", () => {
  it("has the conformance Dockerfiles", () => expect(dockerfiles.length).toBeGreaterThanOrEqual(38));

  it.each(dockerfiles.map((f) => [path.relative(casesDir!, f), f]))("%s", (_name, file) => {
    const text = fs.readFileSync(file, "utf8");
    if (path.basename(path.dirname(path.dirname(file))) === "e05-no-from") {
      expect(() => ours(text)).toThrow("no build stage in current context");
      return;
    }
    if (path.basename(path.dirname(path.dirname(file))) === "e03-unknown-instruction") {
      expect(theirs(text).instructions.map((i) => i[0])).toEqual(["FROM", "RUN", "FOO"]);
      return;
    }
    expect(theirs(text)).toEqual(ours(text));
  });

  it("finds the same heredocs", () => {
    const text = "FROM scratch\nRUN <<EOF\necho hi\nEOF\nCOPY <<A <<B /d/\na\nA\nb\nB\nRUN after\n";
    const mine = parseDockerfile(text).all;
    const other = DockerfileParser.parse(text).getInstructions();
    expect(other.map((i) => [i.getKeyword(), i.getRange().start.line + 1, i.getRange().end.line + 1])).toEqual(
      mine.map((i) => [i.keyword, i.startLine, i.endLine]),
    );
  });
});

describe("where dockerfile-ast and dockerd differ (and the parser follows dockerd)", () => {
  const count = (text: string) => [DockerfileParser.parse(text).getInstructions().length, parseDockerfile(text).all.length];

  it("a lone \\r is whitespace for dockerd, a line break for dockerfile-ast (lone-cr)", () => {
    expect(count("FROM scratch\nLABEL a=b\rc=d\n")).toEqual([3, 2]);
  });

  it("dockerd does not continue a line ending in an escaped escape (cont-escaped-escape)", () => {
    expect(count("FROM scratch\nLABEL a=b\\\\\nLABEL c=d\n")).toEqual([2, 3]);
  });

  it("dockerd stops reading directives at an unknown one (dir-after-unknown)", () => {
    const text = "# foo=bar\n# escape=`\nFROM scratch\n";
    expect([DockerfileParser.parse(text).getEscapeCharacter(), parseDockerfile(text).escapeChar]).toEqual(["`", "\\"]);
  });

  it("dockerd trims every Unicode space before the keyword", () => {
    const text = "\fFROM scratch\n";
    expect([DockerfileParser.parse(text).getInstructions()[0].getKeyword(), parseDockerfile(text).all[0].keyword]).toEqual([
      "\fFROM",
      "FROM",
    ]);
  });
});

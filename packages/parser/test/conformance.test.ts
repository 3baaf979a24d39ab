// Every Dockerfile of the conformance cases parses, and gives the `Step N/M : TEXT` lines
// real Docker printed for it (expected.json); e03 and e05 fail as Docker failed.

import { DockerfileParseError, parseDockerfile, type Dockerfile } from "@tsbuild/parser";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository's copy of the cases if there is one, else the shared reference. */
const CASES_DIR = [
  path.resolve(here, "../../../test/conformance/cases"),
  path.resolve(here, "../../../../shared/conformance/cases"),
].find((d) => fs.existsSync(d));

interface Expected {
  steps?: Array<{ step: number; of: number; text: string }>;
  error?: string[];
}

const cases = CASES_DIR ? fs.readdirSync(CASES_DIR).sort() : [];
const read = (...p: string[]) => fs.readFileSync(path.join(CASES_DIR!, ...p), "utf8");

/** Docker's step count: --target drops the stages after the target. */
function stepCount(df: Dockerfile, target: string | undefined): number {
  if (!target) return df.all.length;
  const last = df.stages.findIndex((s) => s.name === target.toLowerCase());
  expect(last).toBeGreaterThanOrEqual(0);
  const stages = df.stages.slice(0, last + 1);
  return df.metaArgs.length + stages.reduce((n, s) => n + 1 + s.instructions.length, 0);
}

describe("conformance Dockerfiles", () => {
  it("finds the cases", () => {
    expect(CASES_DIR, "conformance cases not found in test/conformance or ../shared/conformance").toBeDefined();
    expect(cases.length).toBeGreaterThanOrEqual(37);
  });

  const parseErrors: Record<string, string> = {
    "e03-unknown-instruction": "dockerfile parse error line 3: unknown instruction: FOO",
    "e05-no-from": "no build stage in current context",
  };

  it.each(cases)("%s", (name) => {
    const caseJson = JSON.parse(read(name, "case.json")) as { target?: string };
    const expected = JSON.parse(read(name, "expected.json")) as Expected;
    const text = read(name, "context", "Dockerfile");

    if (parseErrors[name]) {
      expect(() => parseDockerfile(text)).toThrow(DockerfileParseError);
      expect(() => parseDockerfile(text)).toThrow(parseErrors[name]);
      // Docker's own words, as recorded
      expect(expected.error?.at(-1)).toBe(`Error response from daemon: ${parseErrors[name]}`);
      return;
    }
    const df = parseDockerfile(text);
    const steps = expected.steps ?? [];
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      expect(step.of).toBe(stepCount(df, caseJson.target));
      expect(df.all[step.step - 1].original).toBe(step.text);
    }
    if (fs.existsSync(path.join(CASES_DIR!, name, "parent", "Dockerfile"))) {
      expect(parseDockerfile(read(name, "parent", "Dockerfile")).stages.length).toBeGreaterThan(0);
    }
  });
});

describe("what the conformance cases depend on", () => {
  it("c23: escape=` keeps backslashes literal and joins continuations as Docker does", () => {
    const df = parseDockerfile(read("c23-escape-directive", "context", "Dockerfile"));
    expect(df.escapeChar).toBe("`");
    const [, run1, run2, copy, env] = df.all;
    expect([run1.startLine, run1.endLine]).toEqual([3, 4]);
    expect([run2.startLine, run2.endLine]).toEqual([6, 10]);
    expect(run2.args).toEqual(["mkdir -p /c     && echo three     > /c/three.txt"]);
    expect(copy.args).toEqual(["Dockerfile", "C:\\not\\a\\path\\"]);
    expect(env.pairs).toEqual([{ key: "WIN_PATH", value: "C:\\Tools" }]);
    expect(df.warnings).toEqual([
      "[WARNING]: Empty continuation line found in:\n    RUN mkdir -p /c     && echo three     > /c/three.txt",
      "[WARNING]: Empty continuation lines will become errors in a future release.",
    ]);
  });

  it("c14/c28: ARGs before the first FROM are meta args, later ones belong to their stage", () => {
    const c14 = parseDockerfile(read("c14-build-args", "context", "Dockerfile"));
    expect(c14.metaArgs.map((a) => a.pairs)).toEqual([
      [{ key: "BASE", value: "conformance/busybox:1" }],
    ]);
    expect(c14.stages[0].baseName).toBe("$BASE");
    expect(c14.stages[0].instructions.filter((i) => i.kind === "ARG").map((i) => i.pairs![0].key)).toEqual([
      "VERSION",
      "FLAVOR",
      "BASE",
    ]);
    const c28 = parseDockerfile(read("c28-stage-scoping", "context", "Dockerfile"));
    expect(c28.stages.map((s) => [s.index, s.name, s.baseName])).toEqual([
      [0, "base", "conformance/busybox:1"],
      [1, "final", "base"],
    ]);
    expect(c28.stages[1].instructions[0].pairs).toEqual([{ key: "MODE", value: null }]);
  });

  it("c15: COPY --from, by name, by index and by image", () => {
    const df = parseDockerfile(read("c15-multistage", "context", "Dockerfile"));
    const copies = df.stages[2].instructions;
    expect(copies.map((c) => c.flag("from"))).toEqual(["build", "1", "conformance/busybox:1"]);
    expect(copies[0].args).toEqual(["/out/app", "/usr/local/bin/app"]);
  });

  it("c01: every metadata instruction", () => {
    const df = parseDockerfile(read("c01-metadata-only", "context", "Dockerfile"));
    const byKind = (k: string) => df.all.filter((i) => i.kind === k);
    expect(byKind("LABEL")[1].pairs).toEqual([
      { key: '"multi word"', value: '"value with spaces"', quoted: true },
    ]);
    expect(byKind("ENV")[1].pairs).toEqual([{ key: "C", value: "3" }]);
    expect(byKind("VOLUME").map((v) => [v.json, v.args])).toEqual([
      [false, ["/data"]],
      [true, ["/cache", "/logs"]],
    ]);
    expect(byKind("HEALTHCHECK")[0].healthcheck).toEqual({
      none: false,
      test: ["CMD", "true"],
      interval: "30s",
      timeout: "3s",
      intervalNs: 30e9,
      timeoutNs: 3e9,
      startPeriodNs: 0,
    });
    expect(byKind("CMD")[0]).toMatchObject({ json: false, args: ["echo hello $A"] });
    expect(byKind("ONBUILD")[0].trigger).toBe("RUN echo triggered > /onbuild.txt");
    expect(byKind("ONBUILD")[0].onbuild).toMatchObject({ kind: "RUN", args: ["echo triggered > /onbuild.txt"] });
  });
});

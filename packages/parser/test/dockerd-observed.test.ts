// The parser against what a real Docker 20.10 classic builder did with ~200 small
// Dockerfiles (recorded by tools/record-dockerd.mjs): the same parse errors word for
// word, the same `Step N/M : TEXT` lines, the same warnings, and -- through a small
// model of the builder's metadata instructions -- the same image config.

import { DockerfileParseError, ShellLexError, parseDockerfile, type ParseOptions } from "@tsbuild/parser";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { modelConfig } from "./helpers/config-model.js";

interface Observed {
  name: string;
  dockerfile: string;
  steps: string[];
  of?: number;
  error?: string;
  parseError?: boolean;
  warnings?: string;
  config?: Record<string, unknown>;
}

const observed: Observed[] = JSON.parse(
  readFileSync(new URL("./fixtures/dockerd-observed.json", import.meta.url), "utf8"),
);

function parseError(text: string, options: ParseOptions = {}): DockerfileParseError {
  try {
    parseDockerfile(text, options);
  } catch (err) {
    if (err instanceof DockerfileParseError) return err;
    throw err;
  }
  throw new Error("expected a parse error");
}

/** What the BuildKit frontend accepts and 20.10's classic one refused: BuildKit's flags. */
const BUILDKIT_ONLY = new Set(["copy-link", "flag-run-network"]);

describe("parse errors dockerd reported before any step", () => {
  const cases = observed.filter((o) => o.parseError);
  it("covers a good number of them", () => expect(cases.length).toBeGreaterThan(50));
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    // The docker client trims the daemon's message ("unknown instruction: " for an empty keyword).
    expect(parseError(c.dockerfile, { frontend: "classic" }).message.trim()).toBe(c.error);
    if (!BUILDKIT_ONLY.has(c.name)) expect(parseError(c.dockerfile).message.trim()).toBe(c.error);
    else expect(() => parseDockerfile(c.dockerfile)).not.toThrow();
  });
});

describe("Step N/M lines", () => {
  const cases = observed.filter((o) => !o.parseError && o.steps.length > 0);
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const df = parseDockerfile(c.dockerfile);
    expect(df.all.length).toBe(c.of);
    // A build that failed while running a step printed only the steps up to it.
    expect(df.all.slice(0, c.steps.length).map((i) => i.original)).toEqual(c.steps);
  });
});

describe("warnings", () => {
  it.each(observed.filter((o) => !o.parseError).map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const { warnings } = parseDockerfile(c.dockerfile);
    if (c.warnings) expect(warnings.join("\n")).toBe(c.warnings);
    else expect(warnings).toEqual([]);
  });
});

describe("image config of the builds that succeeded", () => {
  const cases = observed.filter((o) => o.config);
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(modelConfig(parseDockerfile(c.dockerfile))).toEqual(c.config);
  });
});

describe("substitution errors dockerd reported while running a step", () => {
  const cases = observed.filter((o) => o.error?.startsWith("failed to process"));
  it("covers the lexer's error messages", () => expect(cases.length).toBeGreaterThan(8));
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const df = parseDockerfile(c.dockerfile);
    let error: unknown;
    try {
      modelConfig(df);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ShellLexError);
    expect((error as Error).message).toBe(c.error);
  });
});

// The parser against what a real Docker 20.10 classic builder did with ~200 small
// Dockerfiles (recorded by tools/record-dockerd.mjs): the same parse errors word for
// word, the same `Step N/M : TEXT` lines, the same warnings, and -- through a small
// model of the builder's metadata instructions -- the same image config.

import { DockerfileParseError, ShellLexError, parseDockerfile } from "@tsbuild/parser";
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

function parseError(text: string): DockerfileParseError {
  try {
    parseDockerfile(text);
  } catch (err) {
    if (err instanceof DockerfileParseError) return err;
    throw err;
  }
  throw new Error("expected a parse error");
}

/** Where tsbuild accepts on purpose what 20.10 refused: BuildKit's flags modern Dockerfiles use. */
const ACCEPTED_ON_PURPOSE = new Set(["copy-link", "flag-run-network"]);

describe("parse errors dockerd reported before any step", () => {
  const cases = observed.filter((o) => o.parseError && !ACCEPTED_ON_PURPOSE.has(o.name));
  it("covers a good number of them", () => expect(cases.length).toBeGreaterThan(50));
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    // The docker client trims the daemon's message ("unknown instruction: " for an empty keyword).
    expect(parseError(c.dockerfile).message.trim()).toBe(c.error);
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

import { describe, expect, it } from "vitest";
import { builtinModelsFile, loadModels, ModelsFileError, parseBytes, parseModelsFile } from "@tsbuild/models";

const NAME = "tsbuild.models.json";

/** The message parseModelsFile throws for this text. */
function problem(text: string, name = NAME): string {
  try {
    parseModelsFile(text, name);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelsFileError);
    return (e as Error).message;
  }
  throw new Error("the file was accepted");
}

describe("models files", () => {
  it("accepts a model and records the line it starts on", () => {
    const file = parseModelsFile(
      `{
  "models": [
    {
      "name": "app-build",
      "command": "make",
      "args": "build ...",
      "creates": [{ "path": "/out/app", "bytes": "2.5 MB", "mode": "0755" }]
    }
  ],
  "downloads": { "https://example.com/tool.tgz": "12 MB" }
}`,
      NAME,
    );
    expect(file.models[0]).toMatchObject({ name: "app-build", programs: ["make"], override: false, source: `${NAME}:3` });
    expect(file.models[0].creates[0]).toMatchObject({ bytes: 2_500_000, mode: 0o755 });
    expect(file.downloads.get("https://example.com/tool.tgz")).toBe(12_000_000);
  });

  it("reads YAML when the name says so", () => {
    const file = parseModelsFile("models:\n  - name: m\n    command: [pip, pip3]\n    removes: [/tmp/x]\n", "tsbuild.models.yaml");
    expect(file.models[0]).toMatchObject({ name: "m", programs: ["pip", "pip3"], source: "tsbuild.models.yaml:2" });
  });

  it("names the file, line, model and field of each problem", () => {
    const text = `{
  "models": [
    { "name": "ok", "command": "make" },
    {
      "name": "npm-ci",
      "command": "npm",
      "creates": [{ "path": "node_modules", "files": "12", "bytes": "lots" }]
    }
  ]
}`;
    expect(problem(text)).toBe(
      [
        `${NAME}:7: model "npm-ci" (models[1]), creates[0].files: must be a whole number`,
        `${NAME}:7: model "npm-ci" (models[1]), creates[0].bytes: must be a size: whole bytes (1234) or a number and a unit ("45.6 MB", "120 kB", "1.5 GiB"), not "lots"`,
      ].join("\n"),
    );
  });

  it("reports unknown and missing fields at their line", () => {
    expect(problem(`{"models": [\n  {"name": "a",\n   "comand": "npm"}\n]}`)).toBe(
      [`${NAME}:2: model "a" (models[0]), command: is missing`, `${NAME}:3: model "a" (models[0]): unknown field "comand"`].join("\n"),
    );
    expect(problem(`{"model": []}`)).toContain(`${NAME}:1: unknown field "model"`);
  });

  it("checks that every variable of a path is captured by every pattern", () => {
    const text = `{"models": [{"name": "go", "command": "go", "args": ["build -o {out}", "build"], "creates": [{"path": "{out}", "bytes": 1}]}]}`;
    expect(problem(text)).toBe(`${NAME}:1: model "go" (models[0]), creates[0].path: {out} is not a capture of every pattern in "args" (nor cwd or home)`);
  });

  it("says what a creates entry is missing, and what does not go together", () => {
    expect(problem(`{"models": [{"name": "x", "command": "x", "creates": [{"path": "/a"}]}]}`)).toContain('say what to create: "bytes"');
    expect(problem(`{"models": [{"name": "x", "command": "x", "creates": [{"path": "/a", "from": "/b", "bytes": 1}]}]}`)).toContain(
      '"from" copies a path: it takes no "files", "bytes", "packages" or "download"',
    );
  });

  it("refuses bad patterns, program names, modes and duplicate names", () => {
    expect(problem(`{"models": [{"name": "x", "command": "x", "args": "{a} {a}"}]}`)).toContain("args: the capture {a} appears twice");
    expect(problem(`{"models": [{"name": "x", "command": "/usr/bin/x"}]}`)).toContain("command: must be a program name");
    expect(problem(`{"models": [{"name": "x", "command": "x", "creates": [{"path": "/a", "bytes": 1, "mode": "755x"}]}]}`)).toContain(
      'mode: must be an octal mode like "0755"',
    );
    expect(problem(`{"models": [\n{"name": "x", "command": "a"},\n{"name": "x", "command": "b"}]}`)).toBe(
      `${NAME}:3: model "x" is declared twice (first at ${NAME}:2)`,
    );
  });

  it("reports text that is not JSON or YAML", () => {
    expect(problem(`{"models": [}`)).toMatch(/^tsbuild\.models\.json: not valid JSON: /);
    expect(problem("models: [\n  - a", "m.yaml")).toMatch(/^m\.yaml:\d+: not valid YAML: /);
  });
});

describe("the built-in models", () => {
  it("are a valid models file", () => {
    const names = builtinModelsFile().models.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(["npm-ci", "npm-install", "pip-install-requirements", "make", "go-build-o", "curl-o", "curl-O", "wget-O"]));
    expect(builtinModelsFile().models.every((m) => m.source === "built-in")).toBe(true);
  });

  it("come after the user's, and a user's model of the same name replaces one", () => {
    const models = loadModels({ text: `{"models": [{"name": "make", "command": "make", "args": "...", "removes": ["/tmp/x"]}]}`, name: NAME });
    const makes = models.filter((m) => m.program === "make");
    expect(makes.map((m) => m.source)).toEqual([`${NAME}:1`]);
    expect(models.filter((m) => m.program === "gmake")).toEqual([]);
    expect(models.some((m) => m.name === "npm-ci" && m.source === "built-in")).toBe(true);
  });
});

describe("sizes", () => {
  it("reads bytes and units, decimal and binary", () => {
    expect(parseBytes(1234)).toBe(1234);
    expect(parseBytes("45.6 MB")).toBe(45_600_000);
    expect(parseBytes("120kB")).toBe(120_000);
    expect(parseBytes("1.5 GiB")).toBe(1.5 * 1024 ** 3);
    expect(parseBytes("12 parsecs")).toBeUndefined();
    expect(parseBytes(-1)).toBeUndefined();
  });
});

describe("the README", () => {
  it("shows a valid models file", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## The models file"));
    const json = section.slice(section.indexOf("```json\n") + 8, section.indexOf("\n```", section.indexOf("```json\n")));
    const file = parseModelsFile(json, NAME);
    expect(file.models.map((m) => m.name)).toEqual(["app-build", "yarn-install", "fetch-protoc"]);
  });
});

import { describe, expect, it } from "vitest";
import { modelsFromContext, type ContextFiles } from "@tsbuild/models";

/** A build context of these files (text), as @tsbuild/context would hold it. */
function context(files: Record<string, string>, dockerfilePath = "Dockerfile"): ContextFiles {
  return {
    dockerfilePath,
    get: (p) => (p in files ? { type: "file", data: () => Buffer.from(files[p]) } : undefined),
  };
}

const model = (name: string) => JSON.stringify({ models: [{ name, command: "tool", args: "..." }] });

describe("models of a build context", () => {
  it("are the built-in ones when the context has no models file", () => {
    const models = modelsFromContext(context({ Dockerfile: "FROM alpine" }));
    expect(models.length).toBeGreaterThan(0);
    expect(models.every((m) => m.source === "built-in")).toBe(true);
  });

  it("come from the file beside the Dockerfile before one at the root", () => {
    const ctx = context({ "ci/tsbuild.models.json": model("beside"), "tsbuild.models.json": model("root") }, "ci/Dockerfile");
    const first = modelsFromContext(ctx)[0];
    expect(first).toMatchObject({ name: "beside", source: "ci/tsbuild.models.json:1", program: "tool" });
    expect(modelsFromContext(context({ "tsbuild.models.json": model("root") }, "ci/Dockerfile"))[0].name).toBe("root");
  });

  it("may be YAML", () => {
    const ctx = context({ "tsbuild.models.yaml": "models:\n  - name: y\n    command: tool\n" });
    expect(modelsFromContext(ctx)[0]).toMatchObject({ name: "y", source: "tsbuild.models.yaml:2" });
  });

  it("are read once per context", () => {
    const ctx = context({ "tsbuild.models.json": model("once") });
    expect(modelsFromContext(ctx)).toBe(modelsFromContext(ctx));
  });

  it("refuse two models files in one directory, and name an invalid one", () => {
    expect(() => modelsFromContext(context({ "tsbuild.models.json": model("a"), "tsbuild.models.yml": "models: []" }))).toThrow(
      "tsbuild.models.json and tsbuild.models.yml: two models files in one directory; keep one",
    );
    expect(() => modelsFromContext(context({ "tsbuild.models.json": '{"models": [{"name": "x"}]}' }))).toThrow(
      'tsbuild.models.json:1: model "x" (models[0]), command: is missing',
    );
  });
});

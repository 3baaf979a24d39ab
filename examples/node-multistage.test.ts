/**
 * examples/node-multistage: npm runs through models (the built-in npm-ci, and the example's own
 * tsbuild.models.json for `npm run build`); the final stage keeps only what the app needs.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, BuildError, type BuildFailure, type BuiltImage } from "tsbuild";
import "tsbuild/vitest";

const example = join(import.meta.dirname, "node-multistage");
const scratch = mkdtempSync(join(tmpdir(), "tsbuild-node-multistage-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the example with its models file replaced (or removed, for undefined). */
function withModelsFile(name: string, text: string | undefined): string {
  const dir = join(scratch, name);
  cpSync(example, dir, { recursive: true });
  if (text === undefined) rmSync(join(dir, "tsbuild.models.json"));
  else writeFileSync(join(dir, "tsbuild.models.json"), text);
  return dir;
}

async function failure(context: string): Promise<BuildFailure> {
  const e = await build({ context }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BuildError);
  return e as BuildFailure;
}

describe("examples/node-multistage", () => {
  let image: BuiltImage;
  let buildStage: BuiltImage;
  beforeAll(async () => {
    image = await build({ context: example });
    buildStage = await build({ context: example, target: "build", store: image.store });
  });

  it("says which steps ran through a model, and which model", () => {
    expect(image.output).toContain(
      '[tsbuild] npm ci: simulated by model "npm-ci" (built-in): +1,513 files, 5.4 MB in /app/node_modules (84 packages from package-lock.json)',
    );
    expect(image.output).toContain(
      '[tsbuild] npm run build: simulated by model "tsc-build" (tsbuild.models.json:3): +1 file, 163 B at /app/dist/server.js (copied from /app/src/server.ts)',
    );
    expect(image.output).toContain('[tsbuild] npm ci --omit=dev: simulated by model "npm-ci" (built-in): +1,297 files, 4.64 MB in /app/node_modules (72 packages');
  });

  it("ships the compiled app and the production dependencies only", () => {
    expect(image).toHaveLayerCount(6);
    expect(image).toContainFile("/app/dist/server.js");
    expect(image).toContainFile("/app/node_modules/express/package.json");
    expect(image).toContainFile("/app/node_modules/.bin/mime");
    expect(image).not.toContainFile("/app/node_modules/typescript");
    expect(image).not.toContainFile("/app/src");
    expect(image).not.toContainFile("/root/.npm");
    expect(image).not.toContainFile("/usr/bin/npm");
    expect(buildStage).toContainFile("/app/node_modules/.bin/tsc");
    expect(buildStage).toContainFile("/root/.npm/_cacache");
  });

  it("is 15.3 MB smaller than the stage that built it", () => {
    expect(buildStage.size).toBe(81_329_549);
    expect(image.size).toBe(65_995_033);
  });

  it("fails at npm run build without its models file, with the hint", async () => {
    const e = await failure(withModelsFile("no-models", undefined));
    expect(e.exitCode).toBe(127);
    expect(e.message).toMatch(/^The command '\/bin\/sh -c npm run build' returned a non-zero code: 127\nstderr of the failing step:\n  \/bin\/sh: npm: not found/);
    expect(e.output).toContain("/bin/sh: npm: not found (/usr/bin/npm is a program tsbuild does not simulate)");
    expect(e.output).toContain('hint: declare what "npm" does in tsbuild.models.json (see packages/models/README.md)');
  });

  it("fails at its first RUN with the file, line and field of an invalid models file", async () => {
    const e = await failure(withModelsFile("bad-models", '{\n  "models": [\n    { "name": "tsc-build", "command": "npm", "creates": [{ "path": "dist", "files": -1, "bytes": 0 }] }\n  ]\n}\n'));
    expect(e.message).toBe(
      'tsbuild.models.json:3: model "tsc-build" (models[0]), creates[0].files: must not be negative (Dockerfile:6: RUN apk add --no-cache nodejs npm)',
    );
  });
});

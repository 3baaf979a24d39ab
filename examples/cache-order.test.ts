/**
 * cache-ordered vs cache-unordered: the same app, its Dockerfile ordered for the build cache or
 * not. Each is built, server.js is edited, and the build is run again against the same store:
 * which steps come from the cache, and whether npm ci runs again.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { build, type BuiltImage } from "tsbuild";

const scratch = mkdtempSync(join(tmpdir(), "tsbuild-cache-order-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Builds a copy of the example, edits server.js, and rebuilds with the first build's store. */
async function buildEditRebuild(name: string): Promise<{ first: BuiltImage; second: BuiltImage }> {
  const dir = join(scratch, name);
  cpSync(join(import.meta.dirname, name), dir, { recursive: true });
  const first = await build({ context: dir });
  writeFileSync(join(dir, "server.js"), 'console.log("edited");\n');
  const second = await build({ context: dir, store: first.store });
  return { first, second };
}

const cachedSteps = (image: BuiltImage) => image.steps.filter((s) => s.cached).map((s) => s.text);
const NPM_CI_NOTE = '[tsbuild] npm ci --omit=dev: simulated by model "npm-ci" (built-in)';

describe("a Dockerfile ordered for the cache (examples/cache-ordered)", () => {
  it("rebuilds only the COPY . . after a source file changes", async () => {
    const { first, second } = await buildEditRebuild("cache-ordered");
    expect(first.output).toContain(NPM_CI_NOTE);
    expect(cachedSteps(second)).toEqual([
      "RUN apk add --no-cache nodejs npm",
      "WORKDIR /app",
      "COPY package.json package-lock.json ./",
      "RUN npm ci --omit=dev",
    ]);
    expect(second.output).not.toContain(NPM_CI_NOTE);
    // The dependencies' layer is the same layer: nothing to push again.
    expect(second.layer(4).diffID).toBe(first.layer(4).diffID);
    expect(second.layer(5).diffID).not.toBe(first.layer(5).diffID);
  });
});

describe("a Dockerfile not ordered for the cache (examples/cache-unordered)", () => {
  it("runs npm ci again after a source file changes", async () => {
    const { first, second } = await buildEditRebuild("cache-unordered");
    expect(cachedSteps(second)).toEqual(["RUN apk add --no-cache nodejs npm", "WORKDIR /app"]);
    const copy = second.steps.find((s) => s.text === "COPY . .");
    expect(copy?.cacheMiss?.differences.join(" ")).toContain("server.js");
    expect(second.output).toContain(NPM_CI_NOTE);
    expect(first.output).toContain(NPM_CI_NOTE);
  });
});

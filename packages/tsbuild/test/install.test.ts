/**
 * What a user does: install the packed packages into a project outside this repository, with npm
 * and with pnpm, then type-check (strict + exactOptionalPropertyTypes), run a vitest file that uses
 * build() and the matchers, and run `npx tsbuild build`. The installers resolve against a registry
 * on 127.0.0.1 that serves only the tarballs packed here and the third-party packages this checkout
 * already installed, so the test needs no network and proves the published dependency ranges
 * resolve (pnpm pack rewrites workspace:*; a range that cannot be met fails the install).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawn, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runtimeClosure } from "./install/closure.js";
import { serveRegistry, type Tarball } from "./install/registry.js";

const repo = join(import.meta.dirname, "..", "..", "..");
const packages = join(repo, "packages");
const installers = ["npm", "pnpm"].filter((c) => spawnSync(c, ["--version"]).status === 0);
const built = existsSync(join(packages, "tsbuild", "dist", "index.js")) && existsSync(join(packages, "cli", "dist", "bin.js"));
if (!built) console.warn("install.test: SKIPPED — packages/*/dist missing; run `pnpm build` first (pnpm test does)");

let tmp = "";
let registry: { url: string; close(): Promise<void> } | undefined;

// Asynchronous: the registry answers from this process, so a blocking spawn would deadlock it.
function run(cmd: string, args: string[], cwd: string): Promise<string> {
  // The outer `pnpm test` sets npm_config_* for its own run; an install here must not inherit them.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(npm|pnpm)_/i.test(k)) env[k] = v;
  const child = spawn(cmd, args, {
    cwd,
    env: { ...env, npm_config_userconfig: join(tmp, "npmrc"), npm_config_update_notifier: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${code}:\n${out}`))));
  });
}

// Never a synchronous child process here: it would stall the vitest worker's event loop for minutes.
const execFileP = promisify(execFile);
const versions = new Map<string, string>();

async function tarball(file: string): Promise<Tarball> {
  const { stdout } = await execFileP("tar", ["-xzf", file, "-O", "package/package.json"], { maxBuffer: 16 << 20 });
  const manifest = JSON.parse(stdout);
  return { manifest, file };
}

beforeAll(async () => {
  if (!built) return;
  tmp = mkdtempSync(join(tmpdir(), "tsbuild-install-"));
  writeFileSync(join(tmp, "npmrc"), "");
  const out = join(tmp, "tarballs");
  mkdirSync(out);
  const closure = runtimeClosure(
    [join(packages, "tsbuild"), join(packages, "tsbuild", "node_modules", "vitest"), join(repo, "node_modules", "typescript"), join(repo, "node_modules", "@types", "node")],
    repo,
  );
  const tarballs: Tarball[] = [];
  for (const p of closure) {
    if (p.workspace) {
      // pnpm pack is what publishing uses: workspace:* becomes the version, publishConfig applies.
      const before = new Set(readdirSync(out));
      await run("pnpm", ["pack", "--pack-destination", out], p.dir);
      const made = readdirSync(out).filter((f) => !before.has(f));
      expect(made).toHaveLength(1);
      tarballs.push(await tarball(join(out, made[0]!)));
    } else {
      const file = join(out, `${p.manifest.name.replace("/", "__")}-${p.manifest.version}.tgz`);
      // pnpm stores identical files once (hard links); npm drops hard-link members, so copy them.
      await execFileP("tar", ["-czf", file, "--hard-dereference", "--exclude=./node_modules", "-C", p.dir, "--transform", "s,^\\.,package,", "."]);
      tarballs.push({ manifest: p.manifest, file });
    }
  }
  for (const t of tarballs) versions.set(t.manifest.name, t.manifest.version);
  registry = await serveRegistry(tarballs);
}, 300_000);

afterAll(async () => {
  await registry?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 120_000);

function project(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, "app"), { recursive: true });
  const versionOf = (n: string) => versions.get(n)!;
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: `tsbuild-user-${name}`,
      private: true,
      type: "module",
      devDependencies: { "@tsbuild/tsbuild": "^0.1.0", vitest: `^${versionOf("vitest")}`, typescript: `^${versionOf("typescript")}`, "@types/node": `^${versionOf("@types/node")}` },
    }),
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true,
        exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: true, noEmit: true, types: ["node"],
      },
      include: ["*.test.ts"],
    }),
  );
  // tsbuild's own declarations must hold under the same options with nothing skipped (vitest's
  // need skipLibCheck, as in any project, so this check leaves the matchers' entry out).
  writeFileSync(
    join(dir, "tsconfig.lib.json"),
    JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { skipLibCheck: false }, include: ["lib.ts"] }),
  );
  writeFileSync(
    join(dir, "lib.ts"),
    `import { build, memoryStore, type BuildOptions, type BuiltImage } from "@tsbuild/tsbuild";
const opts: BuildOptions = { context: { files: { a: "a" } }, dockerfile: "FROM busybox\\nCOPY a /a\\n", store: memoryStore() };
export const image: Promise<BuiltImage> = build(opts);
`,
  );
  writeFileSync(
    join(dir, "image.test.ts"),
    `import { expect, it } from "vitest";
import { build, type BuiltImage } from "@tsbuild/tsbuild";
import "@tsbuild/tsbuild/vitest";

it("builds an image in memory and asserts on its layers", async () => {
  const image: BuiltImage = await build({
    context: { files: { "app.sh": { content: "#!/bin/sh\\necho hi\\n", mode: 0o755 } } },
    dockerfile: "FROM busybox:1.36\\nCOPY app.sh /usr/local/bin/app\\n",
  });
  expect(image).toHaveLayerCount(2);
  expect(image.layer(-1)).toAdd("/usr/local/bin/app");
  expect(image).toHaveWastedBytesBelow("1kB");
});
`,
  );
  writeFileSync(join(dir, "app", "Dockerfile"), "FROM busybox:1.36\nCOPY hello.txt /hello.txt\n");
  writeFileSync(join(dir, "app", "hello.txt"), "hello\n");
  return dir;
}

async function useTheInstall(dir: string) {
  expect(await run("npx", ["--no-install", "tsc", "-p", "."], dir)).toBe("");
  expect(await run("npx", ["--no-install", "tsc", "-p", "tsconfig.lib.json"], dir)).toBe("");
  expect(await run("npx", ["--no-install", "vitest", "run"], dir)).toMatch(/1 passed/);
  const out = await run("npx", ["--no-install", "tsbuild", "--root", join(dir, "store"), "build", "-t", "usability/check:1", "app"], dir);
  expect(out).toMatch(/Successfully tagged usability\/check:1/);
  expect(await run("npx", ["--no-install", "tsbuild", "--root", join(dir, "store"), "images"], dir)).toMatch(/usability\/check\s+1/);
}

describe.skipIf(!built)("installed from packed tarballs", () => {
  it.skipIf(!installers.includes("npm"))("with npm", async () => {
    const dir = project("npm");
    await run("npm", ["install", "--registry", registry!.url, "--cache", join(tmp, "npm-cache"), "--ignore-scripts", "--no-audit", "--no-fund"], dir);
    await useTheInstall(dir);
  }, 300_000);

  it.skipIf(!installers.includes("pnpm"))("with pnpm", async () => {
    const dir = project("pnpm");
    await run("pnpm", ["install", "--registry", registry!.url, "--store-dir", join(tmp, "pnpm-store"), "--cache-dir", join(tmp, "pnpm-cache"), "--ignore-scripts", "--config.ignore-workspace=true"], dir);
    await useTheInstall(dir);
  }, 300_000);
});

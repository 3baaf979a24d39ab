import { describe, expect, it } from "vitest";
import { runCommand } from "@tsbuild/shell";
import { loadModels } from "@tsbuild/models";
import { filesUnder, imageFs, PATH, step } from "./helpers.js";

const LOCK = JSON.stringify({ lockfileVersion: 3, packages: { "": {}, "node_modules/a": { version: "1.0.0" } } });
const builtin = loadModels();

/** Models of one user file (and the built-in ones after it). */
function withFile(models: object[]) {
  return loadModels({ text: JSON.stringify({ models }), name: "tsbuild.models.json" });
}

async function alpineWithLock() {
  const fs = await imageFs("alpine:3.19");
  fs.mkdir("/app");
  fs.writeFile("/app/package-lock.json", LOCK);
  return fs;
}

describe("models in RUN steps", () => {
  it("stand in for a program the image does not have", async () => {
    const fs = await alpineWithLock();
    const r = await step(fs, "npm ci && ls node_modules", builtin, { cwd: "/app" });
    expect(r.result).toEqual({ exitCode: 0 });
    expect(r.stdout).toBe("a\n");
    expect(r.notes).toEqual([
      '[tsbuild] npm ci: simulated by model "npm-ci" (built-in): +19 files, 64.1 kB in /app/node_modules (1 package from package-lock.json); +5 files, 57 kB in /root/.npm/_cacache (1 package from package-lock.json)',
    ]);
  });

  it("stand in for a placeholder binary a simulated package installed (apk add npm)", async () => {
    const fs = await alpineWithLock();
    const r = await step(fs, "apk add --no-cache nodejs npm > /dev/null && readlink /usr/bin/npm && npm ci", builtin, { cwd: "/app" });
    expect(r.result.exitCode).toBe(0);
    expect(r.stdout).toBe("../lib/node_modules/npm/bin/npm-cli.js\n");
    expect(filesUnder(fs, "/app/node_modules").files).toBe(19);
  });

  it("stand in for a script whose #!/usr/bin/env interpreter is missing", async () => {
    const fs = await alpineWithLock();
    fs.mkdir("/usr/local/bin", { recursive: true });
    fs.writeFile("/usr/local/bin/npm", "#!/usr/bin/env node\nrequire('npm')\n", { mode: 0o755 });
    const r = await step(fs, "npm ci", builtin, { cwd: "/app" });
    expect(r.result.exitCode).toBe(0);
    expect(r.notes[0]).toContain('model "npm-ci"');
  });

  it("leave a program the image can run alone, unless they override it", async () => {
    const fs = await imageFs("alpine:3.19");
    fs.mkdir("/usr/local/bin", { recursive: true });
    fs.writeFile("/usr/local/bin/make", "#!/bin/sh\necho real make \"$@\"\n", { mode: 0o755 });
    const own = await step(fs, "make all", builtin);
    expect(own.stdout).toBe("real make all\n");
    expect(own.notes).toEqual([]);

    const touch = { name: "fake-touch", command: "touch", args: "{f}", creates: [{ path: "{f}.modelled", bytes: 1 }] };
    expect((await step(fs, "touch /x", withFile([touch]))).notes).toEqual([]);
    expect(fs.exists("/x")).toBe(true);
    const overriding = await step(fs, "touch /y", withFile([{ ...touch, override: true }]));
    expect(overriding.notes[0]).toContain('simulated by model "fake-touch"');
    expect(fs.exists("/y")).toBe(false);
    expect(fs.exists("/y.modelled")).toBe(true);
  });

  it("stand in for a busybox applet tsbuild does not simulate (wget)", async () => {
    const fs = await imageFs("alpine:3.19");
    expect(fs.readlink("/usr/bin/wget")).toBe("/bin/busybox");
    const r = await step(fs, "wget -q -O /tmp/x.tgz https://example.com/x.tgz", builtin);
    expect(r.result.exitCode).toBe(0);
    expect(fs.stat("/tmp/x.tgz").size).toBe(1_000_000);
  });

  it("apply to exec form, whose program Docker would otherwise fail to start", async () => {
    const fs = await alpineWithLock();
    const r = await step(fs, ["npm", "ci"], builtin, { cwd: "/app" });
    expect(r.result).toEqual({ exitCode: 0 });
    expect(fs.exists("/app/node_modules/a/package.json")).toBe(true);
  });

  it("fail the step with the model's status, and say so", async () => {
    const fs = await imageFs("alpine:3.19");
    const r = await step(fs, "cd /tmp && npm ci", builtin);
    expect(r.result.exitCode).toBe(1);
    expect(r.stderr).toContain("npm ERR! The `npm ci` command can only install with an existing package-lock.json");
    expect(r.notes[0]).toContain("failed (exit 1): /tmp/package-lock.json or /tmp/npm-shrinkwrap.json is missing");
  });
});

describe("a program with neither an implementation nor a model", () => {
  it("fails with 127, then a hint naming the models file", async () => {
    const fs = await imageFs("alpine:3.19");
    const r = await step(fs, "cargo build --release", builtin);
    expect(r.result.exitCode).toBe(127);
    expect(r.stderr).toBe("/bin/sh: cargo: not found\n");
    expect(r.notes).toEqual(['hint: declare what "cargo" does in tsbuild.models.json (see packages/models/README.md)']);
  });

  it("hints at a placeholder binary tsbuild does not simulate, and at an exec-form program", async () => {
    const fs = await imageFs("alpine:3.19");
    await step(fs, "apk add --no-cache nodejs > /dev/null", builtin);
    const node = await step(fs, "node server.js", builtin);
    expect(node.result.exitCode).toBe(127);
    expect(node.notes).toEqual(['hint: declare what "node" does in tsbuild.models.json (see packages/models/README.md)']);
    const exec = await step(fs, ["yarn", "build"], builtin);
    expect(exec.result.error).toContain('exec: "yarn": executable file not found in $PATH');
    expect(exec.notes[0]).toContain('declare what "yarn" does');
  });

  it("gives no hint when the step succeeds anyway", async () => {
    const fs = await imageFs("alpine:3.19");
    const r = await step(fs, "cargo --version 2>/dev/null || echo no cargo", builtin);
    expect(r.result.exitCode).toBe(0);
    expect(r.notes).toEqual([]);
  });

  it("keeps stderr the command's own when the caller takes no notes", async () => {
    const fs = await imageFs("alpine:3.19");
    let stderr = "";
    const result = await runCommand(fs, { argv: ["/bin/sh", "-c", "cargo"], config: { Env: [`PATH=${PATH}`] }, models: builtin, stderr: (s) => void (stderr += s) });
    expect(result.exitCode).toBe(127);
    expect(stderr).toBe("/bin/sh: cargo: not found\n");
  });
});

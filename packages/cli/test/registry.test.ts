import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import bcrypt from "bcryptjs";
import { openStore } from "@tsbuild/store";
import { buildCommand } from "../src/commands/build.js";
import { imagesCommand } from "../src/commands/images.js";
import { importCommand } from "../src/commands/import.js";
import { inspectCommand } from "../src/commands/inspect.js";
import { loginCommand } from "../src/commands/login.js";
import { logoutCommand } from "../src/commands/logout.js";
import { pullCommand } from "../src/commands/pull.js";
import { pushCommand } from "../src/commands/push.js";
import { rmiCommand } from "../src/commands/rmi.js";
import { haveRegistry, runWith, startRegistry } from "./helpers/registry.js";
import { busyboxTar, tempDir } from "./helpers/run.js";
import { dirname } from "node:path";

const CONFORMANCE_BASE = dirname(busyboxTar);

if (!haveRegistry) console.warn("\n*** SKIPPED: /usr/bin/docker-registry is not installed: tsbuild pull/push/login CLI tests did not run ***\n");

describe.skipIf(!haveRegistry)("tsbuild pull, push, login, logout and build against a real registry", () => {
  let host: string;
  let cwd: string;
  const offline = { TSBUILD_OFFLINE: "1" };

  beforeAll(async () => {
    host = await startRegistry();
    cwd = tempDir();
  });

  it("push, a second push, pull into another root, images --digests, inspect RepoDigests, rmi name@digest", async () => {
    const a = tempDir();
    expect((await runWith(importCommand, [busyboxTar, `${host}/cli/busybox:1`], { root: a, cwd })).code).toBe(0);
    const id = openStore(a).resolve(`${host}/cli/busybox:1`)!;
    const first = await runWith(pushCommand, [`${host}/cli/busybox:1`], { root: a, cwd });
    expect(first.code).toBe(0);
    const m = /^1: digest: (sha256:[a-f0-9]{64}) size: (\d+)$/m.exec(first.stdout);
    expect(m).not.toBeNull();
    expect(first.stdout).toMatch(new RegExp(`^The push refers to repository \\[${host}/cli/busybox\\]\n[a-f0-9]{12}: Preparing\n[a-f0-9]{12}: Pushed\n1: digest`));
    const second = await runWith(pushCommand, [`${host}/cli/busybox:1`], { root: a, cwd });
    expect(second.stdout).toMatch(/[a-f0-9]{12}: Layer already exists\n/);
    expect(second.stdout).toContain(`1: digest: ${m![1]} size: ${m![2]}`);

    const b = tempDir();
    const pulled = await runWith(pullCommand, [`${host}/cli/busybox:1`], { root: b, cwd });
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toContain(`Digest: ${m![1]}\nStatus: Downloaded newer image for ${host}/cli/busybox:1\n${host}/cli/busybox:1\n`);
    expect(openStore(b).resolve(`${host}/cli/busybox:1`)).toBe(id);
    const images = await runWith(imagesCommand, ["--digests"], { root: b, cwd });
    expect(images.stdout.split("\n")[0]).toMatch(/^REPOSITORY\s+TAG\s+DIGEST\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(images.stdout).toMatch(new RegExp(`${host}/cli/busybox\\s+1\\s+${m![1]}\\s+${id.slice(7, 19)}`));
    const inspect = await runWith(inspectCommand, ["-f", "{{json .RepoDigests}}", `${host}/cli/busybox:1`], { root: b, cwd });
    expect(inspect.stdout.trim()).toBe(JSON.stringify([`${host}/cli/busybox@${m![1]}`]));
    const rmi = await runWith(rmiCommand, [`${host}/cli/busybox@${m![1]}`], { root: b, cwd });
    expect(rmi.stdout).toBe(`Untagged: ${host}/cli/busybox@${m![1]}\n`);
    const latest = await runWith(pullCommand, [`${host}/cli/busybox`], { root: b, cwd });
    expect(latest.code).toBe(1);
    expect(latest.stdout).toBe("Using default tag: latest\n");
    expect(latest.stderr).toBe(`Error response from daemon: manifest for ${host}/cli/busybox:latest not found: manifest unknown: manifest unknown\n`);
  });

  it("build: FROM an image of the registry pulls it; FROM name@sha256 pins; --pull takes the newer image", async () => {
    const a = tempDir();
    await runWith(importCommand, [busyboxTar, `${host}/base/bb:1`], { root: a, cwd });
    const pushed = await runWith(pushCommand, [`${host}/base/bb:1`], { root: a, cwd });
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed.stdout)![1];
    const ctx = tempDir();
    writeFileSync(join(ctx, "Dockerfile"), `FROM ${host}/base/bb:1\nRUN echo built > /built\n`);
    const b = tempDir();
    const built = await runWith(buildCommand, ["-t", "app:1", ctx], { root: b, cwd });
    expect(built.stderr).toBe("");
    expect(built.code).toBe(0);
    expect(built.stdout).toContain(`Step 1/2 : FROM ${host}/base/bb:1\n1: Pulling from base/bb\n`);
    expect(built.stdout).toContain(`Status: Downloaded newer image for ${host}/base/bb:1\n`);
    expect(openStore(b).resolve("app:1")).toBeDefined();

    // COPY --from an image the store lacks pulls it too.
    writeFileSync(join(ctx, "Dockerfile"), `FROM scratch\nCOPY --from=${host}/base/bb:1 /bin/busybox /bb\n`);
    const copied = await runWith(buildCommand, [ctx], { root: tempDir(), cwd });
    expect(copied.stderr).toBe("");
    expect(copied.stdout).toContain(`Status: Downloaded newer image for ${host}/base/bb:1`);

    writeFileSync(join(ctx, "Dockerfile"), `FROM ${host}/base/bb@${digest}\n`);
    const pinned = await runWith(buildCommand, ["-q", ctx], { root: tempDir(), cwd });
    expect(pinned.code).toBe(0);
    expect(pinned.stdout.trim()).toBe(openStore(a).resolve(`${host}/base/bb:1`));

    // A newer image under the same tag: a plain build keeps the stored one, --pull takes the new one.
    const newer = tempDir();
    mkdirSync(join(newer, "etc"));
    writeFileSync(join(newer, "etc", "newer"), "yes\n");
    const { execFileSync } = await import("node:child_process");
    const tar = join(tempDir(), "newer.tar");
    execFileSync("tar", ["-C", newer, "-cf", tar, "."]);
    await runWith(importCommand, [tar, `${host}/base/bb:1`], { root: a, cwd });
    await runWith(pushCommand, [`${host}/base/bb:1`], { root: a, cwd });
    writeFileSync(join(ctx, "Dockerfile"), `FROM ${host}/base/bb:1\n`);
    const stale = await runWith(buildCommand, ["-q", ctx], { root: b, cwd });
    expect(stale.stdout.trim()).not.toBe(openStore(a).resolve(`${host}/base/bb:1`));
    const fresh = await runWith(buildCommand, ["--pull", ctx], { root: b, cwd });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain(`Status: Downloaded newer image for ${host}/base/bb:1`);
    expect(openStore(b).resolve(`${host}/base/bb:1`)).toBe(openStore(a).resolve(`${host}/base/bb:1`));
  });

  it("RUN on a pulled image uses the simulations found by path (apk in a pulled alpine)", async () => {
    const a = tempDir();
    await runWith(importCommand, [join(CONFORMANCE_BASE, "alpine-sim-rootfs.tar"), `${host}/base/alpine-sim:1`], { root: a, cwd });
    expect((await runWith(pushCommand, [`${host}/base/alpine-sim:1`], { root: a, cwd })).code).toBe(0);
    const ctx = tempDir();
    writeFileSync(join(ctx, "Dockerfile"), `FROM ${host}/base/alpine-sim:1\nRUN apk add --no-cache curl\n`);
    const built = await runWith(buildCommand, [ctx], { root: tempDir(), cwd });
    expect(built.stderr).toBe("");
    expect(built.stdout).toContain("Pull complete");
    expect(built.stdout).toContain("Installing curl");
  });

  it("offline: built-in names are served with a note, other names fail saying what to do", async () => {
    const ctx = tempDir();
    writeFileSync(join(ctx, "Dockerfile"), "FROM busybox:1.36\nRUN echo hi\n");
    const ok = await runWith(buildCommand, [ctx], { root: tempDir(), cwd, env: offline });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("offline (--offline or TSBUILD_OFFLINE=1): busybox:1.36 is served by tsbuild's built-in simulated image\n");
    writeFileSync(join(ctx, "Dockerfile"), "FROM node:22-alpine\n");
    const bad = await runWith(buildCommand, ["--offline", ctx], { root: tempDir(), cwd });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("pull access denied for node: offline");
    expect(bad.stderr).toContain("alpine:3.19");
    expect(bad.stderr).toContain("tsbuild pull node:22-alpine");
    expect(bad.stderr).toContain("tsbuild load -i");
    const pull = await runWith(pullCommand, [`${host}/cli/busybox:1`], { root: tempDir(), cwd, env: offline });
    expect(pull.code).toBe(1);
    expect(pull.stderr).toMatch(/offline/);
  });

  it("login with --password-stdin writes the Docker config; logout removes it; a wrong password is refused", async () => {
    const secured = await startRegistry(`carol:${bcrypt.hashSync("pa55", 6)}\n`);
    const config = tempDir();
    const env = { DOCKER_CONFIG: config };
    const wrong = await runWith(loginCommand, ["-u", "carol", "--password-stdin", secured], { cwd, env, stdin: "nope\n" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("unauthorized: incorrect username or password");
    const login = await runWith(loginCommand, ["-u", "carol", "--password-stdin", secured], { cwd, env, stdin: "pa55\n" });
    expect(login.code).toBe(0);
    expect(login.stdout).toBe("Login Succeeded\n");
    expect(JSON.parse(readFileSync(join(config, "config.json"), "utf8")).auths[secured].auth).toBe(Buffer.from("carol:pa55").toString("base64"));
    const a = tempDir();
    await runWith(importCommand, [busyboxTar, `${secured}/carol/bb:1`], { root: a, cwd });
    const pushed = await runWith(pushCommand, [`${secured}/carol/bb:1`], { root: a, cwd, env });
    expect(pushed.code).toBe(0);
    const logout = await runWith(logoutCommand, [secured], { cwd, env });
    expect(logout.stdout).toBe(`Removing login credentials for ${secured}\n`);
    const denied = await runWith(pullCommand, [`${secured}/carol/bb:1`], { root: tempDir(), cwd, env });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain("pull access denied");
  });
});

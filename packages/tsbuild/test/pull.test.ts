import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { push } from "@tsbuild/registry";
import { importTar, openStore } from "@tsbuild/store";
import { build, BuildError, memoryStore } from "../src/index.js";

const REGISTRY_BIN = "/usr/bin/docker-registry";
const busyboxTar = resolve(import.meta.dirname, "../../../test/conformance/base/busybox-rootfs.tar");
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGTERM");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
if (!existsSync(REGISTRY_BIN)) console.warn(`\n*** SKIPPED: ${REGISTRY_BIN} is missing: build({ pull: true }) against a registry did not run ***\n`);

async function startRegistry(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "tsbuild-lib-registry-"));
  dirs.push(dir);
  const port = await new Promise<number>((res) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  writeFileSync(join(dir, "config.yml"), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/s\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  children.push(spawn(REGISTRY_BIN, ["serve", join(dir, "config.yml")], { stdio: "ignore" }));
  for (let i = 0; i < 200; i++) {
    try {
      await (await fetch(`http://127.0.0.1:${port}/v2/`)).arrayBuffer();
      return `127.0.0.1:${port}`;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error("docker-registry did not start");
}

describe("build({ pull })", () => {
  it("offline: a built-in name is served with a note, any other name fails saying what to do", async () => {
    const ok = await build({ context: { files: {} }, dockerfile: "FROM busybox:1.36\n", pull: { offline: true } });
    expect(ok.output).toContain("offline (--offline or TSBUILD_OFFLINE=1): busybox:1.36 is served by tsbuild's built-in simulated image");
    const err = await build({ context: { files: {} }, dockerfile: "FROM python:3.12-slim\n", pull: { offline: true } }).catch((e) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toContain("pull access denied for python");
    expect(err.message).toContain("tsbuild pull python:3.12-slim");
  });

  it.skipIf(!existsSync(REGISTRY_BIN))("pulls a FROM image from a registry into the build's store", async () => {
    const host = await startRegistry();
    const src = memoryStore();
    const id = await importTar(src, readFileSync(busyboxTar), { ref: "x/bb:1" });
    await push(src.getImage(id)!, `${host}/lib/bb:1`);
    const store = memoryStore();
    const image = await build({ context: { files: {} }, dockerfile: `FROM ${host}/lib/bb:1\nRUN echo hi > /hi\n`, pull: true, store });
    expect(image.output).toContain(`Status: Downloaded newer image for ${host}/lib/bb:1`);
    expect(store.resolve(`${host}/lib/bb:1`)).toBe(id);
    expect(image.layers).toHaveLength(2);
  });

  it.skipIf(!existsSync(REGISTRY_BIN))("a pull within a build on a disk store writes through the build's lock", async () => {
    const host = await startRegistry();
    const src = memoryStore();
    const id = await importTar(src, readFileSync(busyboxTar), { ref: "x/bb:1" });
    await push(src.getImage(id)!, `${host}/lib/disk:1`);
    const root = mkdtempSync(join(tmpdir(), "tsbuild-lib-pull-root-"));
    dirs.push(root);
    const store = openStore(root);
    const image = await build({ context: { files: {} }, dockerfile: `FROM ${host}/lib/disk:1\nRUN echo hi > /hi\n`, pull: true, store });
    expect(store.resolve(`${host}/lib/disk:1`)).toBe(id);
    expect(store.getImage(image.id)).toBeDefined();
    expect(existsSync(join(root, "tsbuild.lock"))).toBe(false);
  });
});

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importTar, openStore } from "../src/index.js";
import { makeTar } from "./helpers/tar.js";
import { alpineSimTar, busyboxTar, repoRoot, tempRoot } from "./helpers/paths.js";

const dist = join(repoRoot, "packages/store/dist/index.js");

/** Runs an ES module snippet in a separate node process against the built store. */
function node(script: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", `import * as store from ${JSON.stringify(dist)};\n${script}`], {
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("several tsbuild processes on one root", () => {
  it("needs the built store (pnpm tsc -b)", () => {
    expect(existsSync(dist), `${dist} is missing: run pnpm tsc -b before the tests`).toBe(true);
  });

  it("concurrent imports of the same and of different tars leave one consistent store", async () => {
    const root = tempRoot();
    const tars = [busyboxTar, busyboxTar, alpineSimTar, alpineSimTar];
    // Several imports per process, so their writes (layers, repositories.json) interleave.
    const runs = await Promise.all(
      tars.map((tar, i) =>
        node(`const fs = await import("node:fs");
const s = store.openStore(${JSON.stringify(root)});
for (let j = 0; j < 4; j++) {
  const id = await store.importTar(s, fs.createReadStream(${JSON.stringify(tar)}), { ref: "img${i}:" + j });
  console.log(id);
}`),
      ),
    );
    for (const r of runs) expect(r.stderr).toBe("");
    for (const r of runs) expect(r.code).toBe(0);
    const s = openStore(root);
    expect(s.listImages().length).toBeGreaterThanOrEqual(2);
    expect(s.listLayers()).toHaveLength(2);
    expect(readdirSync(join(root, "overlay2")).filter((n) => n !== "l")).toHaveLength(2);
    expect(readdirSync(join(root, "overlay2/l"))).toHaveLength(2);
    for (let i = 0; i < tars.length; i++) {
      const ids = runs[i].stdout.trim().split("\n");
      for (let j = 0; j < 4; j++) expect(s.resolve(`img${i}:${j}`)).toBe(ids[j]);
    }
    expect(await s.fsck()).toEqual([]);
  });

  it("a writer waits for the process holding the lock", async () => {
    const root = tempRoot();
    const log = join(root, "order.log");
    const holder = node(`const fs = await import("node:fs");
const s = store.openStore(${JSON.stringify(root)});
await s.withLock(async () => {
  fs.appendFileSync(${JSON.stringify(log)}, "holder-start\\n");
  await new Promise((r) => setTimeout(r, 1500));
  fs.appendFileSync(${JSON.stringify(log)}, "holder-end\\n");
});`);
    while (!existsSync(log)) await new Promise((r) => setTimeout(r, 20));
    const writer = node(`const fs = await import("node:fs");
const s = store.openStore(${JSON.stringify(root)});
await s.putLayer(fs.readFileSync(${JSON.stringify(busyboxTar)}), null);
fs.appendFileSync(${JSON.stringify(log)}, "writer-done\\n");`);
    const [h, w] = await Promise.all([holder, writer]);
    expect(h.stderr + w.stderr).toBe("");
    expect(readFileSync(log, "utf8")).toBe("holder-start\nholder-end\nwriter-done\n");
  });

  it("a lock left by a crashed process goes stale and is taken over", async () => {
    const root = tempRoot();
    const lock = join(root, "tsbuild.lock");
    mkdirSync(lock, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const s = openStore(root);
    const id = await importTar(s, makeTar([{ name: "a", data: "1" }]));
    expect(s.getImage(id)).toBeDefined();
    expect(existsSync(lock)).toBe(false);
  });

  // Issue 17: a RUN that blocked the event loop past the stale time lost the lock to a second build.
  it("a holder whose event loop is blocked past the stale time keeps the lock", async () => {
    const root = tempRoot();
    const log = join(root, "order.log");
    const env = { TSBUILD_LOCK_STALE_MS: "300" };
    const holder = busyHolder(root, log, 2500, "", env);
    while (!existsSync(log)) await new Promise((r) => setTimeout(r, 20));
    const writer = node(`const fs = await import("node:fs");
const s = store.openStore(${JSON.stringify(root)});
await s.putLayer(fs.readFileSync(${JSON.stringify(busyboxTar)}), null);
fs.appendFileSync(${JSON.stringify(log)}, "writer-done\\n");`, env);
    const [h, w] = await Promise.all([holder, writer]);
    expect(h.stderr + w.stderr).toBe("");
    expect([h.code, w.code]).toEqual([0, 0]);
    expect(readFileSync(log, "utf8")).toBe("holder-start\nholder-end\nwriter-done\n");
  });

  // Issue 17: a waiter on another host (a shared filesystem) can judge the lock only by its
  // mtime; the refresher thread must keep it fresh while the holder's main thread is busy.
  it("a busy holder's lock stays fresh for waiters that judge it by time", async () => {
    const root = tempRoot();
    const log = join(root, "order.log");
    const env = { TSBUILD_LOCK_STALE_MS: "1500" };
    const asSeenFromAnotherHost = `const owner = ${JSON.stringify(join(root, "tsbuild.lock", "owner.json"))};
  fs.writeFileSync(owner, JSON.stringify({ ...JSON.parse(fs.readFileSync(owner, "utf8")), host: "another-host" }));`;
    const holder = busyHolder(root, log, 6000, asSeenFromAnotherHost, env);
    while (!existsSync(log)) await new Promise((r) => setTimeout(r, 20));
    const writer = node(`const fs = await import("node:fs");
const s = store.openStore(${JSON.stringify(root)});
await s.withLock(async () => fs.appendFileSync(${JSON.stringify(log)}, "writer\\n"));`, env);
    const [h, w] = await Promise.all([holder, writer]);
    expect(h.stderr + w.stderr).toBe("");
    expect([h.code, w.code]).toEqual([0, 0]);
    expect(readFileSync(log, "utf8")).toBe("holder-start\nholder-end\nwriter\n");
  }, 120_000);

  // Issue 16: a refresher thread started for every lock was a sixth of a cached build. On demand,
  // the holder asks before busy work, or the thread starts once the lock has been held a moment.
  describe("refreshed on demand", () => {
    const env = { TSBUILD_LOCK_STALE_MS: "1500" };
    const fromAnotherHost = (root: string) => `const owner = ${JSON.stringify(join(root, "tsbuild.lock", "owner.json"))};
  fs.writeFileSync(owner, JSON.stringify({ ...JSON.parse(fs.readFileSync(owner, "utf8")), host: "another-host" }));`;
    const waiter = (root: string, log: string) => node(`const fs = await import("node:fs");
const s = store.openStore(${JSON.stringify(root)});
await s.withLock(async () => fs.appendFileSync(${JSON.stringify(log)}, "writer\\n"));`, env);

    for (const [name, before] of [
      ["a holder that asks before its busy work", "s.keepLockFresh();"],
      ["a holder that says nothing but waits a moment first", "await new Promise((r) => setTimeout(r, 400));"],
    ]) {
      it(`${name} keeps the lock fresh for waiters that judge it by time`, async () => {
        const root = tempRoot();
        const log = join(root, "order.log");
        const holder = busyHolder(root, log, 5000, `${fromAnotherHost(root)}\n  ${before}`, env, "{ refreshOnDemand: true }");
        while (!existsSync(log)) await new Promise((r) => setTimeout(r, 20));
        const [h, w] = await Promise.all([holder, waiter(root, log)]);
        expect(h.stderr + w.stderr).toBe("");
        expect([h.code, w.code]).toEqual([0, 0]);
        expect(readFileSync(log, "utf8")).toBe("holder-start\nholder-end\nwriter\n");
      }, 120_000);
    }

    it("a short critical section starts no thread; without refreshOnDemand, one is started at once", async () => {
      const guard = join(repoRoot, "packages/guard/dist/index.js");
      const started = (opts: string) => node(`const guard = await import(${JSON.stringify(guard)});
const s = store.openStore(${JSON.stringify(tempRoot())});
await s.withLock(async () => {}, ${opts});
console.log(guard.guardStarted());`);
      const [lazy, eager] = await Promise.all([started("{ refreshOnDemand: true }"), started("{}")]);
      expect(lazy.stderr + eager.stderr).toBe("");
      expect([lazy.stdout, eager.stdout]).toEqual(["false\n", "true\n"]);
    });
  });

  it("the lock of a process that died is taken over at once, however fresh it looks", async () => {
    const root = tempRoot();
    const dead = await node(`console.log(JSON.stringify({ pid: process.pid, host: (await import("node:os")).hostname(), start: "", token: "gone" }));`);
    const lock = join(root, "tsbuild.lock");
    mkdirSync(lock, { recursive: true });
    writeFileSync(join(lock, "owner.json"), dead.stdout.trim());
    // Judged by time it would be held for an hour: only the dead pid can free it.
    const r = await node(`const s = store.openStore(${JSON.stringify(root)});
await s.withLock(async () => console.log("got it"));`, { TSBUILD_LOCK_STALE_MS: "3600000" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("got it");
    expect(existsSync(lock)).toBe(false);
  });

  it("nested withLock calls through the locked store do not deadlock", async () => {
    const s = openStore(tempRoot());
    const id = await s.withLock((locked) => locked.withLock((again) => importTar(again, makeTar([{ name: "a", data: "1" }]))));
    expect(s.getImage(id)).toBeDefined();
  });

  it("two withLock calls in one process still exclude each other", async () => {
    const s = openStore(tempRoot());
    const log: string[] = [];
    const holder = (name: string) => s.withLock(async (locked) => {
      log.push(`${name} in`);
      await importTar(locked, makeTar([{ name, data: name }]));
      await new Promise((r) => setTimeout(r, 5));
      log.push(`${name} out`);
    });
    await Promise.all([holder("a"), holder("b")]);
    expect(log).toEqual(["a in", "a out", "b in", "b out"]);
  });
});

/** A process that takes the store lock, runs `setup`, then keeps its main thread busy for `ms`. */
function busyHolder(root: string, log: string, ms: number, setup: string, env: Record<string, string>, lockOpts = "{}") {
  return node(`const fs = await import("node:fs");
const s = store.openStore(${JSON.stringify(root)});
await s.withLock(async () => {
  ${setup}
  fs.appendFileSync(${JSON.stringify(log)}, "holder-start\\n");
  const until = Date.now() + ${ms};
  while (Date.now() < until);
  fs.appendFileSync(${JSON.stringify(log)}, "holder-end\\n");
}, ${lockOpts});`, env);
}

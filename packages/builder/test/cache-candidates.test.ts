import { describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { buildDir, busyboxStore, contextDir } from "./helpers.js";

const dirs: string[] = [];
const ctx = (files: Record<string, string>) => {
  const d = contextDir(files);
  dirs.push(d);
  return d;
};

describe("the cache and what it says", () => {
  it("--reproducible on a warm store reuses nothing built at another time, and gives a fresh store's ID", async () => {
    const files = { Dockerfile: "FROM busybox:test\nENV A=1\nCOPY a.txt /\nRUN echo hi > /b\n", "a.txt": "a\n" };
    const fresh = await buildDir(await busyboxStore(), ctx(files), { sourceDateEpoch: 0 });
    const warm = await busyboxStore();
    await buildDir(warm, ctx(files));
    const again = await buildDir(warm, ctx(files), { sourceDateEpoch: 0 });
    expect(again.steps.map((s) => s.cached)).toEqual([false, false, false, false]);
    expect(again.imageId).toBe(fresh.imageId);
    // Its own reproducible images are reused.
    const third = await buildDir(warm, ctx(files), { sourceDateEpoch: 0 });
    expect(third.steps.map((s) => s.cached)).toEqual([false, true, true, true]);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("explains a miss only against an earlier build of the same step, never an unrelated image on the same base", async () => {
    const store = await busyboxStore();
    await buildDir(store, ctx({ Dockerfile: "FROM busybox:test\nCMD [\"other\"]\n" }));
    const r = await buildDir(store, ctx({ Dockerfile: "FROM busybox:test\nRUN echo hi > /x\n" }));
    expect(r.log).not.toMatch(/Cache miss/);
    expect(r.steps[1].cacheMiss?.candidate).toBeUndefined();
    // An edited instruction on the same line is a real candidate.
    const edited = await buildDir(store, ctx({ Dockerfile: "FROM busybox:test\nRUN echo bye > /x\n" }));
    expect(edited.log).toMatch(/ ---> Cache miss \(vs [0-9a-f]{12}\): the instruction differs: cached `\/bin\/sh -c echo hi > \/x`, now `\/bin\/sh -c echo bye > \/x`\n/);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("prints the familiar name for a docker.io tag and refuses a bad tag before the first step", async () => {
    const store = await busyboxStore();
    const r = await buildDir(store, ctx({ Dockerfile: "FROM busybox:test\nENV A=1\n" }), { tags: ["docker.io/library/foo", "index.docker.io/me/app:2"] });
    expect(r.log).toMatch(/Successfully tagged foo:latest\nSuccessfully tagged me\/app:2\n$/);
    expect(r.tags).toEqual(["foo:latest", "me/app:2"]);
    expect(store.resolve("foo:latest")).toBe(r.imageId);
    const lines: string[] = [];
    const err = await buildDir(store, ctx({ Dockerfile: "FROM busybox:test\nENV A=2\n" }), { tags: ["ok", "a:b:c"], output: (s) => lines.push(s) }).catch((e) => e);
    expect(err.message).toBe('invalid argument "a:b:c" for "-t, --tag" flag: invalid reference format');
    expect(err.exitCode).toBe(125);
    expect(lines).toEqual([]);
    const digest = await buildDir(store, ctx({ Dockerfile: "FROM busybox:test\n" }), { tags: ["x@sha256:" + "a".repeat(64)] }).catch((e) => e);
    expect(digest.message).toBe("build tag cannot contain a digest");
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
});

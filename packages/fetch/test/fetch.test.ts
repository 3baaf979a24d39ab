import { mkdtempSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContentCache, Fetcher, FetchError, sha256Hex } from "@tsbuild/fetch";
import { serve } from "./server.js";

let srv: Awaited<ReturnType<typeof serve>>;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "tsbuild-fetch-"));
  dirs.push(d);
  return d;
};
const big = Buffer.alloc(70_000, 7);

beforeAll(async () => {
  srv = await serve({
    "/a.txt": () => ({ body: "hello\n", headers: { "content-type": "text/plain" } }),
    "/moved": () => ({ status: 302, headers: { location: "/a.txt" } }),
    "/loop": () => ({ status: 302, headers: { location: "/loop" } }),
    "/flaky": (n) => (n < 3 ? { status: 503, body: "busy" } : { body: "finally" }),
    "/big": () => ({ body: big }),
    "/changes": (n) => ({ body: `version ${n}` }),
  });
});
afterAll(async () => {
  await srv.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("Fetcher", () => {
  it("downloads, follows redirects and keeps the bytes by URL and digest", async () => {
    const f = new Fetcher({ cache: tmp(), offline: false, backoffMs: () => 0 });
    const r = await f.get(`${srv.base}/moved`);
    expect(r.bytes.toString()).toBe("hello\n");
    expect(r.finalUrl).toBe(`${srv.base}/a.txt`);
    expect(r.sha256).toBe(sha256Hex("hello\n"));
    expect(f.cache.lookup(`${srv.base}/moved`)?.sha256).toBe(r.sha256);
    expect(f.cache.getBlob(r.sha256)?.toString()).toBe("hello\n");
  });

  it("a second run offline gives the same bytes, and a miss names the URL and how to warm the cache", async () => {
    const dir = tmp();
    const online = await new Fetcher({ cache: dir, offline: false }).get(`${srv.base}/big`);
    const before = srv.hits.get("/big");
    const offline = new Fetcher({ cache: dir, offline: true });
    const again = await offline.get(`${srv.base}/big`);
    expect(again.fromCache).toBe(true);
    expect(Buffer.compare(again.bytes, online.bytes)).toBe(0);
    expect(srv.hits.get("/big")).toBe(before);
    const err = await offline.get(`${srv.base}/a.txt`).catch((e) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err.code).toBe("offline-miss");
    expect(err.message).toContain(`${srv.base}/a.txt`);
    expect(err.message).toContain("without --offline");
  });

  it("TSBUILD_OFFLINE=1 means offline", () => {
    const old = process.env.TSBUILD_OFFLINE;
    process.env.TSBUILD_OFFLINE = "1";
    try {
      expect(new Fetcher({ cache: tmp() }).offline).toBe(true);
    } finally {
      if (old === undefined) delete process.env.TSBUILD_OFFLINE;
      else process.env.TSBUILD_OFFLINE = old;
    }
  });

  it("retries 5xx answers, refuses redirect loops and bodies over the cap", async () => {
    const f = new Fetcher({ cache: tmp(), offline: false, backoffMs: () => 0 });
    expect((await f.get(`${srv.base}/flaky`)).bytes.toString()).toBe("finally");
    expect(srv.hits.get("/flaky")).toBe(3);
    expect((await f.get(`${srv.base}/loop`).catch((e) => e)).message).toContain("redirects");
    const capped = await f.get(`${srv.base}/big`, { maxBytes: 1000 }).catch((e) => e);
    expect(capped.code).toBe("too-large");
  });

  it("an expected digest is served from the cache without asking, and wrong bytes are refused", async () => {
    const f = new Fetcher({ cache: tmp(), offline: false });
    const digest = sha256Hex("hello\n");
    const first = await f.get(`${srv.base}/a.txt`, { sha256: digest });
    expect(first.fromCache).toBe(false);
    const n = srv.hits.get("/a.txt");
    const second = await f.get(`${srv.base}/elsewhere/a.txt`, { sha256: digest });
    expect(second.fromCache).toBe(true);
    expect(srv.hits.get("/a.txt")).toBe(n);
    const bad = await f.get(`${srv.base}/big`, { sha256: "0".repeat(64) }).catch((e) => e);
    expect(bad.code).toBe("digest-mismatch");
    expect(bad.message).toContain(`${srv.base}/big`);
  });

  it("fresh requests ask the network; an unreachable network falls back to the cache", async () => {
    const dir = tmp();
    const f = new Fetcher({ cache: dir, offline: false });
    expect((await f.get(`${srv.base}/changes`)).bytes.toString()).toBe("version 1");
    expect((await f.get(`${srv.base}/changes`)).bytes.toString()).toBe("version 2");
    // a server that is gone: the cached bytes stand in
    const gone = await serve({ "/x": () => ({ body: "kept" }) });
    await f.get(`${gone.base}/x`);
    await gone.close();
    const r = await new Fetcher({ cache: dir, offline: false, retries: 0 }).get(`${gone.base}/x`);
    expect(r.fromCache).toBe(true);
    expect(r.bytes.toString()).toBe("kept");
  });

  it("--network=none fails every request, cached or not; error pages are not cached", async () => {
    const dir = tmp();
    const f = new Fetcher({ cache: dir, offline: false });
    await f.get(`${srv.base}/a.txt`);
    const err = await f.withoutNetwork().get(`${srv.base}/a.txt`).catch((e) => e);
    expect(err.code).toBe("network-disabled");
    const missing = await f.get(`${srv.base}/nope`);
    expect(missing.status).toBe(404);
    expect(f.cache.lookup(`${srv.base}/nope`)).toBeUndefined();
  });

  it("a damaged blob is dropped, not served; prune frees blobs", async () => {
    const dir = tmp();
    const c = new ContentCache(dir);
    const rec = c.putUrl("http://x.invalid/f", Buffer.from("abc"));
    writeFileSync(join(dir, "blobs", "sha256", rec.sha256), "abd");
    expect(c.getUrl("http://x.invalid/f")).toBeUndefined();
    c.putUrl("http://x.invalid/g", Buffer.from("xyz"));
    expect(c.list().map((r) => r.url)).toEqual(["http://x.invalid/f", "http://x.invalid/g"]);
    expect(c.prune()).toBe(3);
    expect(c.list()).toEqual([]);
    expect(readdirSync(join(dir, "blobs", "sha256"))).toEqual([]);
  });
});

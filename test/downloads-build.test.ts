import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import { memoryStore } from "@tsbuild/store";

/** The builder's wiring of RUN downloads: the content cache it is given, --offline, --network none. */
let server: Server;
let base = "";
let hits = 0;
const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url === "/f.txt") res.writeHead(200).end("real bytes\n");
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function run(dockerfile: string, o: { contentDir: string; offline?: boolean; network?: "none"; buildkit?: boolean }) {
  const dir = tmp("tsbuild-dlbuild-ctx-");
  writeFileSync(join(dir, "Dockerfile"), dockerfile);
  const out: string[] = [];
  try {
    await build({ store: memoryStore(), context: await BuildContext.fromDirectory(dir), output: (s) => void out.push(s), errorOutput: (s) => void out.push(s), ...o });
    return { ok: true, out: out.join("") };
  } catch (e) {
    return { ok: false, out: out.join("") + (e as Error).message };
  }
}

describe("RUN downloads in a build", () => {
  it("go through the content cache; offline they come from it; --network none has none", async () => {
    const contentDir = tmp("tsbuild-dlbuild-cache-");
    const df = `FROM alpine:3.19\nRUN wget -q -O /f.txt ${base}/f.txt && grep -q "real bytes" /f.txt\n`;
    expect((await run(df, { contentDir })).ok).toBe(true);
    expect(readdirSync(join(contentDir, "urls"))).toHaveLength(1);
    const before = hits;
    const offline = await run(df, { contentDir, offline: true });
    expect(offline.ok).toBe(true);
    expect(hits).toBe(before);
    const none = await run(df, { contentDir, network: "none" });
    expect(none.ok).toBe(false);
    expect(none.out).toContain("wget: bad address '127.0.0.1'");
    // RUN --network is BuildKit's from the 1.3 frontend on: the classic builder and 20.10's built-in frontend refuse it.
    const runNone = await run(`# syntax=docker/dockerfile:1.4\nFROM alpine:3.19\nRUN --network=none wget -q -O /f.txt ${base}/f.txt\n`, { contentDir, buildkit: true });
    expect(runNone.ok).toBe(false);
    expect(runNone.out).toContain("wget: bad address");
  });
});

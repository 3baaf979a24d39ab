import { mkdtempSync, rmSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fetcher } from "@tsbuild/fetch";
import type { RootFS } from "@tsbuild/fs-snapshot";
import { simulatedBinariesWith } from "@tsbuild/pkgsim";

export interface ServedFiles {
  /** http://127.0.0.1:PORT (no trailing slash). */
  base: string;
  /** Requests per path (no leading slash): what a second, offline run must not ask for again. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** Serves `files` (path without a leading slash → bytes) on 127.0.0.1, 404 for anything else. */
export async function serveFiles(files: ReadonlyMap<string, Buffer>): Promise<ServedFiles> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").replace(/^\/+/, "");
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = files.get(path);
    if (!body) res.writeHead(404).end("not found");
    else res.writeHead(200, { "content-length": String(body.length) }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, hits, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** Temp directories named `tsbuild-<tag>-…`, made on demand and removed together (in afterAll). */
export function tempDirs(tag: string): { make(): string; removeAll(): void } {
  const made: string[] = [];
  return {
    make() {
      const d = mkdtempSync(join(tmpdir(), `tsbuild-${tag}-`));
      made.push(d);
      return d;
    },
    removeAll() {
      for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Writes root-owned files into a test image, making their parents (0755) first. */
export function rootWriter(fs: RootFS): (path: string, data: string | Buffer, mode?: number) => void {
  const root = { uid: 0, gid: 0 };
  return (p, data, mode = 0o644) => {
    fs.mkdir(p.slice(0, p.lastIndexOf("/")) || "/", { recursive: true, mode: 0o755, owner: root });
    fs.writeFile(p, data, { mode, owner: root });
  };
}

export interface SimRun {
  code: number;
  stdout: string;
  stderr: string;
  notes: string[];
}

/** Runs one simulated package-manager program (`/sbin/apk`, `/usr/bin/apt-get`…) on `fs` as root, at a fixed clock. */
export async function runSimulated(program: string, fs: RootFS, fetcher: Fetcher, argv: string[], now = new Date("2025-02-03T04:05:06Z")): Promise<SimRun> {
  let stdout = "", stderr = "";
  const notes: string[] = [];
  const code = await simulatedBinariesWith({ fetcher })[program]({
    fs, argv, env: {}, cwd: "/", owner: { uid: 0, gid: 0 }, stdin: Buffer.alloc(0),
    stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), note: (l) => void notes.push(l),
    now: () => now,
  });
  return { code, stdout, stderr, notes };
}

/**
 * Starts a test server before the file's tests and closes it after them, with temp directories
 * `tsbuild-<tag>-…` removed then too; returns the maker of those directories.
 */
export function serveDuringSuite<T extends { close(): Promise<unknown> }>(tag: string, start: () => Promise<T>, started: (server: T) => void): () => string {
  const temps = tempDirs(tag);
  let server: T | undefined;
  beforeAll(async () => {
    server = await start();
    started(server);
  });
  afterAll(async () => {
    await server?.close();
    temps.removeAll();
  });
  return temps.make;
}

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

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * Serves on 127.0.0.1 what `answer` says for each request path (with its query), counting the
 * requests in `hits` (the caller's map, or a new one) by `key` of the path.
 */
export async function serveAnswers(answer: (path: string) => Answer, opts: { hits?: Map<string, number>; key?: (path: string) => string } = {}): Promise<ServedFiles> {
  const { hits = new Map<string, number>(), key = (p: string) => p } = opts;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    hits.set(key(path), (hits.get(key(path)) ?? 0) + 1);
    const a = answer(path);
    res.writeHead(a.status, a.headers).end(a.body);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, hits, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** Serves `files` (path without a leading slash → bytes) on 127.0.0.1, 404 for anything else. */
export function serveFiles(files: ReadonlyMap<string, Buffer>): Promise<ServedFiles> {
  const withoutSlash = (path: string) => path.replace(/^\/+/, "");
  return serveAnswers((path) => {
    const body = files.get(withoutSlash(path));
    return body ? { status: 200, headers: { "content-length": String(body.length) }, body } : { status: 404, body: "not found" };
  }, { key: withoutSlash });
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

/** The "hello" package's program files, the same in the apk and the .deb the tests serve: a script, setuid, a symlink, a hard link, a config. */
export function helloProgramFiles(): Array<{ path: string; data?: string; mode?: number; type?: "symlink" | "link"; target?: string }> {
  return [
    { path: "/usr/bin/hello", data: "#!/bin/sh\necho hello\n", mode: 0o755 },
    { path: "/usr/bin/hello-suid", data: "x", mode: 0o4755 },
    { path: "/usr/bin/hi", type: "symlink", target: "hello" },
    { path: "/usr/bin/hello-again", type: "link", target: "/usr/bin/hello", mode: 0o755 },
    { path: "/etc/hello.conf", data: "greeting=hi\n" },
  ];
}

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const busyboxTar = join(repoRoot, "test/conformance/base/busybox-rootfs.tar");
export const alpineTar = join(repoRoot, "test/conformance/base/alpine-sim-rootfs.tar");
export const REGISTRY_BIN = "/usr/bin/docker-registry";

const created: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children.splice(0)) c.kill("SIGTERM");
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = "tsbuild-registry-test-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  created.push(d);
  return d;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export function hasProgram(path: string): boolean {
  return existsSync(path);
}

export function skopeoPath(): string | undefined {
  const r = spawnSync("sh", ["-c", "command -v skopeo"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Says loudly why a test file does not run. */
export function announceSkip(what: string): void {
  console.warn(`\n*** SKIPPED: ${what} ***\n`);
}

export interface RunningRegistry {
  host: string;
  storage: string;
  /** Stops it now (it is stopped after the test file otherwise). */
  stop(): void;
}

/** Starts the CNCF distribution registry on 127.0.0.1 at a free port, its storage in a temp dir. */
export async function startRegistry(opts: { htpasswd?: string; extraConfig?: string } = {}): Promise<RunningRegistry> {
  const dir = tempDir("tsbuild-registry-srv-");
  const port = await freePort();
  const storage = join(dir, "storage");
  let auth = "";
  if (opts.htpasswd) {
    writeFileSync(join(dir, "htpasswd"), opts.htpasswd);
    auth = `auth:\n  htpasswd:\n    realm: tsbuild-test\n    path: ${join(dir, "htpasswd")}\n`;
  }
  if (opts.extraConfig) auth += opts.extraConfig;
  writeFileSync(join(dir, "config.yml"), `version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: ${storage}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
${auth}`);
  const child = spawn(REGISTRY_BIN, ["serve", join(dir, "config.yml")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  children.push(child);
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    try {
      const r = await fetch(`http://${host}/v2/`);
      await r.arrayBuffer();
      return { host, storage, stop: () => void child.kill("SIGTERM") };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`docker-registry did not answer on ${host}: ${stderr}`);
}

export function skopeo(args: string[]): string {
  const r = spawnSync("skopeo", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`skopeo ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** A sink for Docker's progress lines. */
export function lines(): { out: (s: string) => void; text: () => string } {
  let t = "";
  return { out: (s) => void (t += s), text: () => t };
}

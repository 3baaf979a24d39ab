import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { tempDir } from "./lib.js";

/** The CNCF distribution registry CI installs; the suite's pull/push part needs it. */
export const REGISTRY_BIN = "/usr/bin/docker-registry";

export interface Registry {
  host: string;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** A registry on 127.0.0.1 at a free port with storage in a temp dir, or undefined (with a loud message) when absent. */
export async function startRegistry(): Promise<Registry | undefined> {
  if (!existsSync(REGISTRY_BIN)) {
    console.warn(`reliability: ${REGISTRY_BIN} is not installed: pull and push are left out of the concurrency part`);
    return undefined;
  }
  const dir = tempDir("registry");
  const port = await freePort();
  writeFileSync(join(dir, "config.yml"), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "storage")}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child: ChildProcess = spawn(REGISTRY_BIN, ["serve", join(dir, "config.yml")], { stdio: "ignore" });
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      await (await fetch(`http://${host}/v2/`)).arrayBuffer();
      return { host, stop: () => child.kill("SIGTERM") };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill("SIGTERM");
  throw new Error(`docker-registry did not start on ${host}`);
}

/** Whether the registry holds `repo:tag`. */
export async function hasManifest(host: string, repo: string, tag: string): Promise<boolean> {
  const r = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: "HEAD",
    headers: { accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
  });
  return r.status === 200;
}

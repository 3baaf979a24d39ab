import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll } from "vitest";
import { parseCommandArgs, type Command, type Io } from "../../src/command.js";
import { tempDir, type Result } from "./run.js";
// One free-port finder for every test that starts a registry, the registry package's own.
import { freePort } from "../../../registry/test/helpers.js";

export const REGISTRY_BIN = "/usr/bin/docker-registry";
export const haveRegistry = existsSync(REGISTRY_BIN);

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children.splice(0)) c.kill("SIGTERM");
});


/** The CNCF distribution registry on 127.0.0.1 at a free port, storage in a temp dir; `htpasswd` turns on basic auth. */
export async function startRegistry(htpasswd?: string): Promise<string> {
  const dir = tempDir("tsbuild-cli-registry-");
  const port = await freePort();
  const auth = htpasswd ? `auth:\n  htpasswd:\n    realm: tsbuild-test\n    path: ${join(dir, "htpasswd")}\n` : "";
  if (htpasswd) writeFileSync(join(dir, "htpasswd"), htpasswd);
  writeFileSync(join(dir, "config.yml"), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "storage")}\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`);
  const child = spawn(REGISTRY_BIN, ["serve", join(dir, "config.yml")], { stdio: "ignore" });
  children.push(child);
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      await (await fetch(`http://${host}/v2/`)).arrayBuffer();
      return host;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`docker-registry did not start on ${host}`);
}

/** Runs a command in-process as main() does, with --root and the environment given. */
export async function runWith(cmd: Command, argv: string[], opts: { root?: string; env?: NodeJS.ProcessEnv; stdin?: string; cwd: string }): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdin: Readable.from(opts.stdin !== undefined ? [Buffer.from(opts.stdin)] : []),
    isTTY: false,
    env: { HOME: opts.cwd, ...(opts.env ?? {}) },
    cwd: opts.cwd,
  };
  let code: number;
  try {
    const parsed = parseCommandArgs(cmd, opts.root ? [...argv, "--root", opts.root] : argv);
    code = await cmd.run({ values: parsed.values as Record<string, unknown>, positionals: parsed.positionals, io });
  } catch (e) {
    stderr += `Error: ${(e as Error).message}\n`;
    code = (e as { exitCode?: number }).exitCode ?? 1;
  }
  return { code, stdout, stderr };
}

#!/usr/bin/env node
// Records what a real Docker 20.10 classic builder does with each Dockerfile in
// test/fixtures/dockerd-cases.json, into test/fixtures/dockerd-observed.json, which the
// tests compare the parser against. Needs a daemon:
//   DOCKER_HOST=unix:///tmp/d.sock node packages/parser/tools/record-dockerd.mjs
// Builds are tagged parser-probe/x (the only image this touches).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../test/fixtures");
const cases = JSON.parse(readFileSync(join(fixtures, "dockerd-cases.json"), "utf8"));
const env = { ...process.env, DOCKER_BUILDKIT: "0" };
const CONFIG_KEYS = ["Env", "Labels", "ExposedPorts", "Volumes", "WorkingDir", "User", "StopSignal", "Healthcheck", "OnBuild", "Cmd", "Entrypoint", "Shell"];
const DAEMON_PREFIX = "Error response from daemon: ";

const observed = [];
for (const c of cases) {
  const dir = mkdtempSync(join(tmpdir(), "parser-probe-"));
  writeFileSync(join(dir, "Dockerfile"), c.dockerfile);
  const r = spawnSync("docker", ["build", "--rm", "--force-rm", "-t", "parser-probe/x", dir], { env, encoding: "utf8" });
  rmSync(dir, { recursive: true });
  // The daemon colours its warnings; they can share a line with the next step.
  const stdout = r.stdout.replace(/\x1b\[[0-9;]*m/g, "");
  const steps = stdout
    .split("\n")
    .map((l) => /^Step (\d+)\/(\d+) : ([^]*)$/.exec(l))
    .filter(Boolean);
  const errorLines = r.stderr.split("\n").filter((l) => l && !/DEPRECATED|BuildKit is currently|environment-variable|WARNING/.test(l));
  const error = errorLines.join("\n");
  const record = { name: c.name, dockerfile: c.dockerfile, steps: steps.map((m) => m[3]) };
  if (steps.length > 0) record.of = Number(steps[0][2]);
  const warning = /^\[WARNING\]: Empty continuation line[^]*?\[WARNING\]: Empty continuation lines will become errors in a future release\./m.exec(stdout + "\n" + r.stderr);
  if (warning) record.warnings = warning[0];
  if (r.status !== 0) {
    // An error before any step is a parse error: the daemon rejected the Dockerfile.
    record.error = error.startsWith(DAEMON_PREFIX) ? error.slice(DAEMON_PREFIX.length) : error;
    record.parseError = steps.length === 0;
  } else {
    const config = JSON.parse(execFileSync("docker", ["inspect", "--format", "{{json .Config}}", "parser-probe/x"], { env, encoding: "utf8" }));
    record.config = Object.fromEntries(CONFIG_KEYS.filter((k) => config[k] != null).map((k) => [k, config[k]]));
  }
  observed.push(record);
  process.stdout.write(`${c.name}: ${record.error ?? "ok"}\n`);
}
writeFileSync(join(fixtures, "dockerd-observed.json"), JSON.stringify(observed, null, 1) + "\n");

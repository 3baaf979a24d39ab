import { spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { RootFS } from "@tsbuild/fs-snapshot";
import { run } from "./helpers.js";

// Differential: update-alternatives as maintainer scripts run it, against the host's own
// (dpkg 1.21's, with --root in a temporary directory), on fixed and generated sequences.
const hasReal = spawnSync("update-alternatives", ["--version"], { encoding: "utf8" }).status === 0;
if (!hasReal) console.warn("alternatives.test: no update-alternatives on this machine: the differential test is SKIPPED");

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const DIRS = ["/usr/bin", "/usr/share/man/man1", "/etc/alternatives", "/var/lib/dpkg/alternatives", "/var/log"];
const FILES = ["/usr/bin/a", "/usr/bin/b", "/usr/bin/c", "/usr/share/man/man1/a.1.gz", "/usr/share/man/man1/b.1.gz"];

type Op = string[];

function hostRun(root: string, ops: Op[]) {
  return ops.map((args) => {
    const r = spawnSync("update-alternatives", ["--root", root, ...args], { encoding: "utf8" });
    const strip = (s: string) => s.split(root).join("");
    return { code: r.status, stdout: strip(r.stdout), stderr: strip(r.stderr) };
  });
}

async function simRun(fs: RootFS, ops: Op[]) {
  const out = [];
  for (const args of ops) out.push(await run(fs, "/usr/bin/update-alternatives", args));
  return out;
}

/** Every entry under the directories above: a symlink's target, a file's text (the log's times cut). */
function hostTree(root: string): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const n of readdirSync(join(root, dir)).sort()) {
      const p = `${dir}/${n}`;
      const st = lstatSync(join(root, p));
      if (st.isSymbolicLink()) tree[p] = `-> ${readlinkSync(join(root, p))}`;
      else if (st.isDirectory()) walk(p);
      else tree[p] = readFileSync(join(root, p), "utf8");
    }
  };
  for (const d of DIRS) walk(d);
  return tree;
}

function simTree(fs: RootFS): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const n of fs.readdir(dir).sort()) {
      const p = `${dir}/${n}`;
      const st = fs.lstat(p);
      if (st.type === "symlink") tree[p] = `-> ${fs.readlink(p)}`;
      else if (st.type === "dir") walk(p);
      else tree[p] = fs.readFile(p).toString("utf8");
    }
  };
  for (const d of DIRS) walk(d);
  return tree;
}

function normalizeLog(tree: Record<string, string>, root?: string): Record<string, string> {
  const log = tree["/var/log/alternatives.log"];
  if (log !== undefined) {
    let text = log.replace(/^update-alternatives \d{4}-\d\d-\d\d \d\d:\d\d:\d\d: /gm, "update-alternatives T: ");
    if (root) text = text.split(`--root ${root} `).join("");
    tree["/var/log/alternatives.log"] = text;
  }
  return tree;
}

async function compare(ops: Op[]): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "tsbuild-alternatives-"));
  roots.push(root);
  const fs = new RootFS();
  for (const d of DIRS) {
    mkdirSync(join(root, d), { recursive: true });
    fs.mkdir(d, { recursive: true });
  }
  for (const f of FILES) {
    writeFileSync(join(root, f), f);
    fs.writeFile(f, f);
  }
  const host = hostRun(root, ops);
  const sim = await simRun(fs, ops);
  expect(sim, JSON.stringify(ops)).toEqual(host);
  expect(normalizeLog(simTree(fs)), JSON.stringify(ops)).toEqual(normalizeLog(hostTree(root), root));
}

const install = (link: string, name: string, path: string, prio: string, slave?: [string, string, string]): Op =>
  ["--install", link, name, path, prio, ...(slave ? ["--slave", ...slave] : [])];
const man = (name: string, of: string): [string, string, string] => [`/usr/share/man/man1/${name}.1.gz`, `${name}.1.gz`, `/usr/share/man/man1/${of}.1.gz`];

describe.skipIf(!hasReal)("update-alternatives, against the real one", () => {
  it("fixed sequences: install, priorities, slaves, set, auto, remove, remove-all, errors", async () => {
    const x = "/usr/bin/x";
    await compare([install(x, "x", "/usr/bin/a", "50", man("x", "a"))]);
    await compare([install(x, "x", "/usr/bin/a", "50", man("x", "a")), install(x, "x", "/usr/bin/c", "60", man("x", "c")), ["--remove", "x", "/usr/bin/c"]]);
    await compare([install(x, "x", "/usr/bin/b", "10"), install(x, "x", "/usr/bin/a", "10"), install(x, "x", "/usr/bin/c", "5"), ["--set", "x", "/usr/bin/c"], ["--remove", "x", "/usr/bin/a"], ["--remove", "x", "/usr/bin/c"], ["--auto", "x"], install(x, "x", "/usr/bin/b", "99"), ["--remove-all", "x"]]);
    await compare([install("/usr/bin/a", "y", "/usr/bin/b", "1"), install("/usr/bin/z", "z", "/usr/bin/b", "x1"), ["--remove", "nosuch", "/usr/bin/b"], ["--set", "nosuch", "/usr/bin/b"], install(x, "x", "/usr/bin/missing", "1")]);
    await compare([install(x, "x", "/usr/bin/a", "5"), install(x, "x", "/usr/bin/a", "5"), ["--quiet", "--install", x, "x", "/usr/bin/b", "7"], ["--remove", "x", "/usr/bin/b"], ["--remove", "x", "/usr/bin/a"]]);
  });

  it("generated sequences agree", async () => {
    const name = fc.constantFrom("x", "y");
    const path = fc.constantFrom("/usr/bin/a", "/usr/bin/b", "/usr/bin/c", "/usr/bin/missing");
    const op = fc.oneof(
      fc.tuple(name, path, fc.constantFrom("1", "5", "10", "50"), fc.boolean()).map(([n, p, prio, withSlave]) =>
        install(`/usr/bin/${n}`, n, p, prio, withSlave ? man(n, p.split("/").pop()!) : undefined)),
      fc.tuple(name, path).map(([n, p]) => ["--remove", n, p]),
      fc.tuple(name, path).map(([n, p]) => ["--set", n, p]),
      name.map((n) => ["--auto", n]),
      name.map((n) => ["--remove-all", n]),
    );
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), compare), {
      numRuns: Number(process.env.TSBUILD_DIFF_RUNS ?? 60), seed: Number(process.env.TSBUILD_DIFF_SEED ?? 16),
    });
  });
});

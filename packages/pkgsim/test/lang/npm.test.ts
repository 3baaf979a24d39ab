import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pack } from "tar-stream";
import type { RootFS } from "@tsbuild/fs-snapshot";
import { runCommand, type CommandModel } from "@tsbuild/shell";
import { Fetcher } from "@tsbuild/fetch";
import { simulatedBinariesWith, withPackageManagers } from "@tsbuild/pkgsim";
import { debianWithNpm } from "./fake-images.js";
import { imageFs } from "../helpers.js";
import { tempDirs } from "../support.js";

const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
let server: Server;
let base = "";
const hits = new Map<string, number>();
const tarballs = new Map<string, Buffer>();
const temps = tempDirs("npm");
const cacheDir = temps.make;

type Entry = { data: string; mode?: number; uid?: number; gid?: number; type?: "directory" | "symlink"; linkname?: string };
async function tgz(files: Record<string, Entry>): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((ok) => p.on("end", ok));
  for (const [name, e] of Object.entries(files)) {
    p.entry({ name, mode: e.mode ?? 0o644, uid: e.uid ?? 0, gid: e.gid ?? 0, type: e.type ?? "file", linkname: e.linkname, mtime: new Date("1985-10-26T08:15:00Z") }, e.type ? undefined : e.data);
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
const sri = (b: Buffer, alg = "sha512") => `${alg}-${createHash(alg).update(b).digest("base64")}`;

beforeAll(async () => {
  tarballs.set("/tool/-/tool-1.2.0.tgz", await tgz({
    "package/package.json": { data: '{"name":"tool","version":"1.2.0","bin":{"tool":"./bin/tool.js"}}' },
    "package/bin/": { data: "", type: "directory", mode: 0o700 },
    "package/bin/tool.js": { data: "#!/usr/bin/env node\nconsole.log('tool')\n", mode: 0o644, uid: 501, gid: 20 },
    "package/lib/run.sh": { data: "#!/bin/sh\n", mode: 0o775 },
    "package/.gitignore": { data: "node_modules\n" },
    "package/link": { data: "", type: "symlink", linkname: "lib/run.sh" },
  }));
  tarballs.set("/dep/-/dep-2.0.0.tgz", await tgz({ "package/package.json": { data: '{"name":"dep","version":"2.0.0"}' }, "package/index.js": { data: "module.exports = 2\n", uid: 501, gid: 20 } }));
  tarballs.set("/dep/-/dep-1.0.0.tgz", await tgz({ "package/package.json": { data: '{"name":"dep","version":"1.0.0"}' }, "package/index.js": { data: "module.exports = 1\n" } }));
  tarballs.set("/devonly/-/devonly-0.1.0.tgz", await tgz({ "package/package.json": { data: '{"name":"devonly","version":"0.1.0"}' } }));
  tarballs.set("/@sc/built/-/built-3.0.0.tgz", await tgz({
    "package/package.json": { data: '{"name":"@sc/built","version":"3.0.0","bin":"cli.js","scripts":{"postinstall":"echo compiled > out.txt","install":"node native.js"}}' },
    "package/cli.js": { data: "#!/usr/bin/env node\n" },
  }));
  const manifest = (name: string, version: string, extra: Record<string, unknown> = {}) => ({
    name, version, license: "MIT", ...extra, dist: { tarball: `${base}/${name}/-/${name.split("/").pop()}-${version}.tgz`, integrity: sri(tarballs.get(`/${name}/-/${name.split("/").pop()}-${version}.tgz`)!) },
  });
  const packuments = () => ({
    "/tool": { name: "tool", "dist-tags": { latest: "1.2.0" }, versions: { "1.2.0": manifest("tool", "1.2.0", { dependencies: { dep: "^2.0.0" }, bin: { tool: "./bin/tool.js" }, engines: { node: ">=10" } }) } },
    "/dep": { name: "dep", "dist-tags": { latest: "2.0.0" }, versions: { "1.0.0": manifest("dep", "1.0.0"), "2.0.0": manifest("dep", "2.0.0") } },
  });
  server = createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? "/");
    const doc = (packuments() as Record<string, unknown>)[path];
    if (doc) return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(doc));
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = tarballs.get(path);
    if (!body) return void res.writeHead(404).end("{}");
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  temps.removeAll();
});

function lockfile(over: Record<string, Record<string, unknown>> = {}) {
  const t = (p: string) => tarballs.get(p)!;
  const packages: Record<string, Record<string, unknown>> = {
    "": { name: "app", version: "1.0.0", dependencies: { tool: "^1.2.0", dep: "1.0.0", "@sc/built": "3.0.0" }, devDependencies: { devonly: "0.1.0" } },
    "node_modules/@sc/built": { version: "3.0.0", resolved: `${base}/@sc/built/-/built-3.0.0.tgz`, integrity: sri(t("/@sc/built/-/built-3.0.0.tgz")), hasInstallScript: true, bin: { built: "cli.js" } },
    "node_modules/dep": { version: "1.0.0", resolved: `${base}/dep/-/dep-1.0.0.tgz`, integrity: sri(t("/dep/-/dep-1.0.0.tgz")) },
    "node_modules/devonly": { version: "0.1.0", resolved: `${base}/devonly/-/devonly-0.1.0.tgz`, integrity: sri(t("/devonly/-/devonly-0.1.0.tgz"), "sha1"), dev: true },
    "node_modules/tool": { version: "1.2.0", resolved: `${base}/tool/-/tool-1.2.0.tgz`, integrity: sri(t("/tool/-/tool-1.2.0.tgz")), dependencies: { dep: "^2.0.0" }, bin: { tool: "bin/tool.js" } },
    "node_modules/tool/node_modules/dep": { version: "2.0.0", resolved: `${base}/dep/-/dep-2.0.0.tgz`, integrity: sri(t("/dep/-/dep-2.0.0.tgz")) },
    ...over,
  };
  return { name: "app", version: "1.0.0", lockfileVersion: 3, requires: true, packages };
}

function project(fs: RootFS, lock: unknown = lockfile(), pkg: Record<string, unknown> = lockfile().packages[""]) {
  fs.mkdir("/app", { mode: 0o755 });
  fs.writeFile("/app/package.json", JSON.stringify(pkg));
  if (lock) fs.writeFile("/app/package-lock.json", JSON.stringify(lock, null, 2));
}

async function run(fs: RootFS, script: string, fetcher: Fetcher, models?: CommandModel[]) {
  let out = "", err = "";
  const notes: string[] = [];
  fs.beginStep();
  const res = await runCommand(fs, {
    argv: ["/bin/sh", "-c", script], config: { Env: Object.entries({ PATH, HOME: "/root" }).map(([k, v]) => `${k}=${v}`), WorkingDir: "/app", User: "" },
    stdout: (s) => void (out += s), stderr: (s) => void (err += s), notes: (l) => void notes.push(l),
    binaries: simulatedBinariesWith({ fetcher }), models: models ?? withPackageManagers([], { fetcher }),
  });
  return { code: res.exitCode, out, err, notes };
}

const stat = (fs: RootFS, p: string) => {
  const s = fs.lstat(p);
  return `${s.type} ${(s.mode & 0o7777).toString(8)} ${s.uid}:${s.gid}`;
};

describe("npm ci over a lockfile (npm 9's layout)", () => {
  it("lays out node_modules as the lockfile's keys say, with npm's modes, owners, bins and hidden lockfile", async () => {
    const fs = await debianWithNpm();
    project(fs);
    const r = await run(fs, "npm ci", new Fetcher({ cache: cacheDir() }));
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("added 5 packages in");
    // nested version as the key says
    expect(fs.readFile("/app/node_modules/tool/node_modules/dep/index.js").toString()).toBe("module.exports = 2\n");
    expect(fs.readFile("/app/node_modules/dep/index.js").toString()).toBe("module.exports = 1\n");
    // as root the archive's owners stay (node-tar); implicit directories are 0755 root; executables keep x; bins get +x
    expect(stat(fs, "/app/node_modules/tool/node_modules/dep/index.js")).toBe("file 644 501:20");
    expect(stat(fs, "/app/node_modules/tool/bin")).toBe("dir 755 0:0");
    expect(stat(fs, "/app/node_modules/tool/bin/tool.js")).toBe("file 755 501:20");
    expect(stat(fs, "/app/node_modules/tool/lib/run.sh")).toBe("file 755 0:0");
    // links in a tarball are dropped; .gitignore becomes .npmignore
    expect(fs.exists("/app/node_modules/tool/link")).toBe(false);
    expect(fs.exists("/app/node_modules/tool/.npmignore")).toBe(true);
    // .bin: relative symlinks; a scoped package's string bin is named after the package
    expect(fs.readlink("/app/node_modules/.bin/tool")).toBe("../tool/bin/tool.js");
    expect(fs.readlink("/app/node_modules/.bin/built")).toBe("../@sc/built/cli.js");
    expect(stat(fs, "/app/node_modules/@sc/built/cli.js")).toBe("file 755 0:0");
    // hidden lockfile: lockfileVersion 3, no root entry
    const hidden = JSON.parse(fs.readFile("/app/node_modules/.package-lock.json").toString());
    expect(hidden.lockfileVersion).toBe(3);
    expect(Object.keys(hidden.packages)).toEqual(["node_modules/@sc/built", "node_modules/dep", "node_modules/devonly", "node_modules/tool", "node_modules/tool/node_modules/dep"]);
    // lifecycle scripts: the shell runs what it can; what it cannot is named
    expect(fs.readFile("/app/node_modules/@sc/built/out.txt").toString()).toBe("compiled\n");
    expect(r.notes.join("\n")).toMatch(/@sc\/built@3\.0\.0 install \(`node native\.js`/);
  });

  it("runs the project's own scripts in the foreground under npm's banner, the dependencies' in the background", async () => {
    const fs = await debianWithNpm();
    project(fs, lockfile(), { ...lockfile().packages[""], scripts: { postinstall: "echo root-done" } });
    const r = await run(fs, "npm ci", new Fetcher({ cache: cacheDir() }));
    expect(r.code).toBe(0);
    expect(r.out).toContain("\n> app@1.0.0 postinstall\n> echo root-done\n\nroot-done\n");
    expect(r.out).not.toContain("@sc/built@3.0.0 postinstall");
    expect(fs.readFile("/app/node_modules/@sc/built/out.txt").toString()).toBe("compiled\n");
  });

  it("keeps each tarball in /root/.npm/_cacache as cacache does (content-v2 0444, index-v5 buckets)", async () => {
    const fs = await debianWithNpm();
    project(fs);
    await run(fs, "npm ci", new Fetcher({ cache: cacheDir() }));
    const tool = tarballs.get("/tool/-/tool-1.2.0.tgz")!;
    const hex = createHash("sha512").update(tool).digest("hex");
    const content = `/root/.npm/_cacache/content-v2/sha512/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex.slice(4)}`;
    expect(stat(fs, content)).toBe("file 444 0:0");
    expect(fs.readFile(content).equals(tool)).toBe(true);
    const key = `make-fetch-happen:request-cache:${base}/tool/-/tool-1.2.0.tgz`;
    const kh = createHash("sha256").update(key).digest("hex");
    const bucket = fs.readFile(`/root/.npm/_cacache/index-v5/${kh.slice(0, 2)}/${kh.slice(2, 4)}/${kh.slice(4)}`).toString();
    const [, sha1, json] = /^\n([0-9a-f]{40})\t(.*)$/.exec(bucket)!;
    expect(createHash("sha1").update(json).digest("hex")).toBe(sha1);
    expect(JSON.parse(json)).toMatchObject({ key, integrity: sri(tool), size: tool.length });
    // sha1 integrity (old lockfiles) files content under sha1
    expect(fs.readdir("/root/.npm/_cacache/content-v2")).toEqual(["sha1", "sha512"]);
    expect(fs.exists("/root/.npm/_cacache/tmp")).toBe(true);
    expect(fs.readdir("/root/.npm/_logs")[0]).toMatch(/-debug-0\.log$/);
  });

  it("a second build runs offline from the content cache, with the same bytes", async () => {
    const dir = cacheDir();
    const first = await debianWithNpm();
    project(first);
    await run(first, "npm ci", new Fetcher({ cache: dir }));
    const before = hits.get("/tool/-/tool-1.2.0.tgz");
    const second = await debianWithNpm();
    project(second);
    const r = await run(second, "npm ci", new Fetcher({ cache: dir, offline: true }));
    expect(r.code).toBe(0);
    expect(hits.get("/tool/-/tool-1.2.0.tgz")).toBe(before);
    expect(second.readFile("/app/node_modules/tool/bin/tool.js").equals(first.readFile("/app/node_modules/tool/bin/tool.js"))).toBe(true);
    // offline with a cold cache: the URL and how to warm it
    const third = await debianWithNpm();
    project(third);
    const cold = await run(third, "npm ci", new Fetcher({ cache: cacheDir(), offline: true }));
    expect(cold.code).toBe(1);
    expect(cold.notes.join("\n")).toMatch(/not in the content cache.*run the build once with network/);
  });

  it("--omit=dev and NODE_ENV=production leave the dev packages out", async () => {
    for (const cmd of ["npm ci --omit=dev", "NODE_ENV=production npm ci", "npm ci --production"]) {
      const fs = await debianWithNpm();
      project(fs);
      const r = await run(fs, cmd, new Fetcher({ cache: cacheDir() }));
      expect(r.code).toBe(0);
      expect(fs.exists("/app/node_modules/devonly")).toBe(false);
      expect(fs.exists("/app/node_modules/tool")).toBe(true);
    }
  });

  it("refuses a tarball whose integrity does not match, before unpacking anything", async () => {
    const fs = await debianWithNpm();
    const lock = lockfile({ "node_modules/dep": { version: "1.0.0", resolved: `${base}/dep/-/dep-1.0.0.tgz`, integrity: sri(Buffer.from("other")) } });
    project(fs, lock);
    const r = await run(fs, "npm ci", new Fetcher({ cache: cacheDir() }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/npm ERR! code EINTEGRITY\nnpm ERR! .*Integrity checksum failed when using sha512/);
  });

  it("fails as npm does without a lockfile or when package.json and the lockfile disagree", async () => {
    const none = await debianWithNpm();
    project(none, null);
    const r1 = await run(none, "npm ci", new Fetcher({ cache: cacheDir() }));
    expect(r1.code).toBe(1);
    expect(r1.err).toContain("npm ERR! The `npm ci` command can only install with an existing package-lock.json");
    const drift = await debianWithNpm();
    project(drift, lockfile(), { name: "app", dependencies: { tool: "^1.3.0" } });
    const r2 = await run(drift, "npm ci", new Fetcher({ cache: cacheDir() }));
    expect(r2.code).toBe(1);
    expect(r2.err).toContain("can only install packages when your package.json and package-lock.json");
  });

  it("leaves an image whose npm is a stand-in (the built-in images) to the next model", async () => {
    const fs = await imageFs("debian:bookworm-slim");
    fs.mkdir("/usr/share/nodejs/npm/bin", { recursive: true });
    fs.writeFile("/usr/share/nodejs/npm/bin/npm-cli.js", Buffer.alloc(100), { mode: 0o755 });
    fs.symlink("../share/nodejs/npm/bin/npm-cli.js", "/usr/bin/npm");
    project(fs);
    const fetcher = new Fetcher({ cache: cacheDir() });
    let ran = false;
    const estimate: CommandModel = { program: "npm", match: () => async () => { ran = true; return 0; } };
    const r = await run(fs, "npm ci", fetcher, withPackageManagers([Object.assign(estimate, { source: "built-in" })], { fetcher }));
    expect(r.code).toBe(0);
    expect(ran).toBe(true);
    expect(fs.exists("/app/node_modules")).toBe(false);
  });

  it("fails without network (RUN --network=none) as npm does, and refuses lockfile keys that leave node_modules", async () => {
    const fs = await debianWithNpm();
    project(fs);
    const r = await run(fs, "npm ci", new Fetcher({ cache: cacheDir(), network: false }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^npm ERR! code ENOTFOUND\nnpm ERR! syscall getaddrinfo/);
    expect(fs.exists("/app/node_modules/tool")).toBe(false);
    const evil = await debianWithNpm();
    project(evil, lockfile({ "node_modules/../../etc": { version: "1.0.0", resolved: `${base}/dep/-/dep-1.0.0.tgz` } }));
    const r2 = await run(evil, "npm ci", new Fetcher({ cache: cacheDir() }));
    expect(r2.code).toBe(1);
    expect(r2.err).toContain('package path "node_modules/../../etc" leaves node_modules');
  });
});

describe("npm install with a lockfile", () => {
  it("installs what is missing, removes what the lockfile dropped, keeps the rest, and saves the lockfile again", async () => {
    const fs = await debianWithNpm();
    project(fs);
    const fetcher = new Fetcher({ cache: cacheDir() });
    expect((await run(fs, "npm install", fetcher)).out).toContain("added 5 packages in");
    await fs.commitStep();
    const again = await run(fs, "npm install", fetcher);
    expect(again.out).toBe("\nup to date in 1s\n");
    const diff = await fs.commitStep();
    // npm rewrites both lockfiles even when nothing changed (measured with npm 9.2)
    expect(diff.entries.map((e) => e.path).filter((p) => p.startsWith("app/")).sort()).toEqual(["app/node_modules", "app/node_modules/.package-lock.json", "app/package-lock.json"]);
    const lock = lockfile();
    delete lock.packages["node_modules/devonly"];
    delete (lock.packages[""] as { devDependencies?: unknown }).devDependencies;
    fs.writeFile("/app/package-lock.json", JSON.stringify(lock, null, 2) + "\n");
    fs.writeFile("/app/package.json", JSON.stringify(lock.packages[""]));
    const pruned = await run(fs, "npm install", fetcher);
    expect(pruned.out).toBe("\nremoved 1 package in 1s\n");
    expect(fs.exists("/app/node_modules/devonly")).toBe(false);
  });
});

describe("npm ci: who runs it, and whose model wins", () => {
  it("as another USER: the user's owners (not the archive's), the cache under that user's HOME", async () => {
    const fs = await debianWithNpm();
    project(fs);
    fs.chown("/app", { uid: 1000, gid: 1000 });
    fs.mkdir("/home/node", { recursive: true, mode: 0o755, owner: { uid: 1000, gid: 1000 } });
    fs.beginStep();
    let err = "";
    const fetcher = new Fetcher({ cache: cacheDir() });
    const res = await runCommand(fs, {
      argv: ["/bin/sh", "-c", "npm ci"], config: { Env: Object.entries({ PATH, HOME: "/home/node" }).map(([k, v]) => `${k}=${v}`), WorkingDir: "/app", User: "1000:1000" },
      stderr: (s) => void (err += s), binaries: simulatedBinariesWith({ fetcher }), models: withPackageManagers([], { fetcher }),
    });
    expect(err).toBe("");
    expect(res.exitCode).toBe(0);
    expect(stat(fs, "/app/node_modules/tool/node_modules/dep/index.js")).toBe("file 644 1000:1000");
    expect(fs.readdir("/home/node/.npm/_cacache")).toEqual(["content-v2", "index-v5", "tmp"]);
    expect(stat(fs, "/home/node/.npm/_cacache")).toBe("dir 755 1000:1000");
  });

  it("a project's own model for npm ci wins over tsbuild's npm", async () => {
    const fs = await debianWithNpm();
    project(fs);
    const fetcher = new Fetcher({ cache: cacheDir() });
    let ran = false;
    const mine: CommandModel = { program: "npm", match: (a) => (a[0] === "ci" ? async () => { ran = true; return 0; } : undefined) };
    const r = await run(fs, "npm ci", fetcher, withPackageManagers([mine], { fetcher }));
    expect(r.code).toBe(0);
    expect(ran).toBe(true);
    expect(fs.exists("/app/node_modules")).toBe(false);
  });
});

describe("npm install NAME… without a lockfile", () => {
  it("resolves from the packuments, hoists, nests a conflicting version, saves package.json and writes the lockfile as npm 9 does", async () => {
    const fs = await debianWithNpm();
    fs.mkdir("/w", { mode: 0o755 });
    let out = "", err = "";
    const fetcher = new Fetcher({ cache: cacheDir() });
    fs.beginStep();
    const res = await runCommand(fs, {
      argv: ["/bin/sh", "-c", `npm install --registry ${base}/ tool dep@1`], config: { Env: Object.entries({ PATH, HOME: "/root" }).map(([k, v]) => `${k}=${v}`), WorkingDir: "/w", User: "" },
      stdout: (s) => void (out += s), stderr: (s) => void (err += s), binaries: simulatedBinariesWith({ fetcher }), models: withPackageManagers([], { fetcher }),
    });
    expect(err).toBe("");
    expect(res.exitCode).toBe(0);
    expect(out).toContain("added 3 packages in");
    expect(fs.readFile("/w/package.json").toString()).toBe('{\n  "dependencies": {\n    "dep": "^1.0.0",\n    "tool": "^1.2.0"\n  }\n}\n');
    const lock = fs.readFile("/w/package-lock.json").toString();
    expect(Object.keys(JSON.parse(lock).packages)).toEqual(["", "node_modules/dep", "node_modules/tool", "node_modules/tool/node_modules/dep"]);
    // scalars before objects; version, resolved, integrity first (json-stringify-nice with arborist's order)
    expect(lock).toContain(`"node_modules/tool": {\n      "version": "1.2.0",\n      "resolved": "${base}/tool/-/tool-1.2.0.tgz",\n      "integrity": "${sri(tarballs.get("/tool/-/tool-1.2.0.tgz")!)}",\n      "license": "MIT",\n      "dependencies": {\n        "dep": "^2.0.0"\n      },\n      "bin": {\n        "tool": "bin/tool.js"\n      },\n      "engines": {`);
    expect(lock.startsWith('{\n  "name": "w",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n    "": {\n      "dependencies": {')).toBe(true);
    expect(fs.readFile("/w/node_modules/tool/node_modules/dep/index.js").toString()).toBe("module.exports = 2\n");
    expect(fs.readlink("/w/node_modules/.bin/tool")).toBe("../tool/bin/tool.js");
  });
});

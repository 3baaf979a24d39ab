import { describe, expect, it } from "vitest";
import { RootFS } from "@tsbuild/fs-snapshot";
import { loadModels, type LoadedModel } from "@tsbuild/models";
import { filesUnder } from "./helpers.js";

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  notes: string[];
}

/** Runs the first model of `models` that covers argv, as the shell would (no shell involved). */
async function run(
  fs: RootFS,
  models: LoadedModel[],
  argv: string[],
  opts: { cwd?: string; env?: Record<string, string>; owner?: { uid: number; gid: number } } = {},
): Promise<Ran> {
  const model = models.find((m) => m.program === argv[0] && m.match(argv.slice(1)));
  if (!model) throw new Error(`no model covers ${argv.join(" ")}`);
  const out: Ran = { code: -1, stdout: "", stderr: "", notes: [] };
  out.code = await model.match(argv.slice(1))!({
    fs,
    argv,
    env: { HOME: "/root", ...opts.env },
    cwd: opts.cwd ?? "/",
    owner: opts.owner ?? { uid: 0, gid: 0 },
    stdin: Buffer.alloc(0),
    stdout: (s) => void (out.stdout += s),
    stderr: (s) => void (out.stderr += s),
    note: (l) => void out.notes.push(l),
  });
  return out;
}

function userModels(models: object[], downloads?: Record<string, string>): LoadedModel[] {
  return loadModels({ text: JSON.stringify({ models, downloads }), name: "tsbuild.models.json" });
}

function freshFs(): RootFS {
  const fs = new RootFS({ defaultMtime: new Date(0) });
  fs.mkdir("/root");
  fs.mkdir("/app");
  return fs;
}

describe("creates", () => {
  it("a tree of N files holding B bytes, in subdirectories of 100 files past 100", async () => {
    const fs = freshFs();
    const models = userModels([{ name: "gen", command: "gen", creates: [{ path: "out", files: 250, bytes: 1001 }] }]);
    const r = await run(fs, models, ["gen"], { cwd: "/app" });
    expect(r.code).toBe(0);
    expect(filesUnder(fs, "/app/out")).toEqual({ files: 250, bytes: 1001 });
    expect(fs.readdir("/app/out")).toEqual(["part-01", "part-02", "part-03"]);
    expect(fs.readdir("/app/out/part-03")).toHaveLength(50);
    expect(fs.stat("/app/out/part-01/file-001").size).toBe(5);
    expect(fs.stat("/app/out/part-03/file-250").size).toBe(4);
    expect(r.notes).toEqual(['[tsbuild] gen: simulated by model "gen" (tsbuild.models.json:1): +250 files, 1 kB in /app/out']);
  });

  it("one file of a declared size and mode, owned by the user who ran the command", async () => {
    const fs = freshFs();
    const models = userModels([{ name: "go-out", command: "go", args: "build -o {out} ...", creates: [{ path: "{out}", bytes: "8 MB", mode: "0755" }] }]);
    const r = await run(fs, models, ["go", "build", "-o", "/out/app", "."], { owner: { uid: 1000, gid: 1000 } });
    expect(r.code).toBe(0);
    expect(fs.stat("/out/app")).toMatchObject({ size: 8_000_000, mode: 0o755, uid: 1000, gid: 1000 });
    expect(fs.stat("/out")).toMatchObject({ uid: 1000 });
    expect(r.notes[0]).toMatch(/: \+1 file, 8 MB at \/out\/app$/);
  });

  it("a download of the size `downloads` declares for its URL, else the model's with a remark", async () => {
    const url = "https://example.com/tool-1.2.tar.gz";
    const models = userModels([], { [url]: "12.5 MB" });
    const fs = freshFs();
    await run(fs, models, ["curl", "-fsSL", "-o", "/tmp/tool.tgz", url]);
    expect(fs.stat("/tmp/tool.tgz").size).toBe(12_500_000);
    const r = await run(fs, models, ["wget", "https://example.com/other.zip?x=1"], { cwd: "/app" });
    expect(fs.stat("/app/other.zip").size).toBe(1_000_000);
    expect(r.notes[0]).toContain('(no size declared for https://example.com/other.zip?x=1 under "downloads": 1 MB assumed)');
    await run(fs, models, ["curl", "-LO", url], { cwd: "/app" });
    expect(fs.stat("/app/tool-1.2.tar.gz").size).toBe(12_500_000);
  });

  it("a copy of a file or tree (cp -a), or a clear failure when the source is missing", async () => {
    const fs = freshFs();
    fs.mkdir("/app/src");
    fs.writeFile("/app/src/a.ts", "export const a = 1;\n");
    fs.symlink("a.ts", "/app/src/link.ts");
    const models = userModels([{ name: "tsc", command: "npm", args: "run build", creates: [{ path: "dist", from: "src" }] }]);
    const r = await run(fs, models, ["npm", "run", "build"], { cwd: "/app" });
    expect(r.code).toBe(0);
    expect(fs.readFile("/app/dist/a.ts").toString()).toBe("export const a = 1;\n");
    expect(fs.readlink("/app/dist/link.ts")).toBe("a.ts");
    expect(r.notes[0]).toContain("+2 files, 20 B in /app/dist (copied from /app/src)");

    const bare = freshFs();
    const failed = await run(bare, models, ["npm", "run", "build"], { cwd: "/app" });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('npm: /app/src: no such file or directory to copy to /app/dist (model "tsc")\n');
    expect(failed.notes[0]).toMatch(/: failed: \/app\/src: no such file/);
  });

  it("in the first candidate directory the image has; fails when it has none", async () => {
    const models = userModels([{ name: "lib", command: "x", creates: [{ path: ["/usr/local/lib/py*/site", "/usr/lib/py*/site"], files: 2, bytes: 3 }] }]);
    const fs = freshFs();
    fs.mkdir("/usr/lib/py3.11/site", { recursive: true });
    expect((await run(fs, models, ["x"])).code).toBe(0);
    expect(filesUnder(fs, "/usr/lib/py3.11/site")).toEqual({ files: 2, bytes: 3 });

    const none = await run(freshFs(), models, ["x"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("none of /usr/local/lib/py*/site, /usr/lib/py*/site exists in the image, so there is nowhere to install to");
  });
});

describe("a filesystem that refuses", () => {
  it("fails the command with the reason", async () => {
    const fs = freshFs();
    fs.writeFile("/app/out", "a file, not a directory");
    const models = userModels([{ name: "gen", command: "gen", creates: [{ path: "out", files: 2, bytes: 2 }] }]);
    const r = await run(fs, models, ["gen"], { cwd: "/app" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^gen: .*EEXIST.*\/app\/out.* \(model "gen"\)\n$/);
    expect(r.notes[0]).toMatch(/: failed: .*EEXIST/);
  });
});

describe("needs and removes", () => {
  it("fails with the declared message and status when a needed path is missing", async () => {
    const models = loadModels();
    const r = await run(freshFs(), models, ["npm", "ci"], { cwd: "/app" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("The `npm ci` command can only install with an existing package-lock.json");
    expect(r.notes).toEqual(['[tsbuild] npm ci: simulated by model "npm-ci" (built-in): failed (exit 1): /app/package-lock.json or /app/npm-shrinkwrap.json is missing']);
  });

  it("removes what exists (wildcards expanded) before creating", async () => {
    const fs = freshFs();
    fs.mkdir("/root/.npm/_cacache/index-v5", { recursive: true });
    fs.writeFile("/root/.npm/_cacache/index-v5/x", "x");
    const r = await run(fs, loadModels(), ["npm", "cache", "clean", "--force"]);
    expect(r.code).toBe(0);
    expect(fs.exists("/root/.npm/_cacache")).toBe(false);
    expect(r.notes[0]).toMatch(/removed \/root\/\.npm\/_cacache$/);
    const again = await run(fs, loadModels(), ["npm", "cache", "clean", "--force"]);
    expect(again.notes[0]).toMatch(/: no change to the filesystem$/);
  });

  it("prints the declared stdout with its variables", async () => {
    const models = userModels([{ name: "hi", command: "hi", args: "{who}", stdout: "hello {who} from {cwd}\n" }]);
    expect((await run(freshFs(), models, ["hi", "you"], { cwd: "/app" })).stdout).toBe("hello you from /app\n");
  });
});

const LOCK = {
  name: "app",
  lockfileVersion: 3,
  packages: {
    "": { name: "app", dependencies: { express: "4.21.2" }, devDependencies: { typescript: "5.4.5" } },
    "node_modules/express": { version: "4.21.2" },
    "node_modules/express/node_modules/debug": { version: "2.6.9" },
    "node_modules/@types/node": { version: "20.0.0", dev: true },
    "node_modules/typescript": { version: "5.4.5", dev: true, bin: { tsc: "bin/tsc", tsserver: "bin/tsserver" } },
    "node_modules/@esbuild/darwin-arm64": { version: "0.20.0", optional: true, os: ["darwin"], cpu: ["arm64"] },
    "node_modules/@esbuild/linux-x64": { version: "0.20.0", optional: true, os: ["linux"], cpu: ["x64"] },
    "node_modules/@swc/core-linux-x64-gnu": { version: "1.4.0", optional: true, os: ["linux"], cpu: ["x64"], libc: ["glibc"] },
    "node_modules/workspace-pkg": { resolved: "packages/workspace-pkg", link: true },
  },
};

describe("packages from a lockfile", () => {
  it("npm ci: a directory per package, their .bin links, the hidden lockfile, and the cache", async () => {
    const fs = freshFs();
    const lock = JSON.stringify(LOCK, null, 2);
    fs.writeFile("/app/package-lock.json", lock);
    const r = await run(fs, loadModels(), ["npm", "ci"], { cwd: "/app" });
    expect(r.code).toBe(0);
    const dirs = ["express", "express/node_modules/debug", "@types/node", "typescript", "@esbuild/linux-x64", "@swc/core-linux-x64-gnu"];
    for (const d of dirs) expect(JSON.parse(fs.readFile(`/app/node_modules/${d}/package.json`).toString())).toHaveProperty("version");
    expect(fs.exists("/app/node_modules/@esbuild/darwin-arm64")).toBe(false);
    expect(fs.exists("/app/node_modules/workspace-pkg")).toBe(false);
    expect(fs.readlink("/app/node_modules/.bin/tsc")).toBe("../typescript/bin/tsc");
    expect(fs.stat("/app/node_modules/typescript/bin/tsc").mode).toBe(0o755);
    expect(fs.readFile("/app/node_modules/.package-lock.json").toString()).toBe(lock);
    // 18 files and 64 kB per package, plus the hidden lockfile.
    expect(filesUnder(fs, "/app/node_modules")).toEqual({ files: 6 * 18 + 1, bytes: 6 * 64_000 + lock.length });
    expect(filesUnder(fs, "/root/.npm/_cacache")).toEqual({ files: 6 * 5, bytes: 6 * 57_000 });
    expect(r.notes[0]).toContain("+109 files, 385 kB in /app/node_modules (6 packages from package-lock.json); +30 files, 342 kB in /root/.npm/_cacache");
  });

  it("leaves dev packages out with --omit=dev or NODE_ENV=production, and glibc-only ones on musl", async () => {
    for (const [args, env] of [[["ci", "--omit=dev"], {}], [["ci"], { NODE_ENV: "production" }]] as const) {
      const fs = freshFs();
      fs.mkdir("/lib");
      fs.writeFile("/lib/ld-musl-x86_64.so.1", "");
      fs.writeFile("/app/package-lock.json", JSON.stringify(LOCK));
      await run(fs, loadModels(), ["npm", ...args], { cwd: "/app", env });
      expect(fs.readdir("/app/node_modules").filter((n) => !n.startsWith("."))).toEqual(["@esbuild", "express"]);
    }
  });

  it("reads lockfileVersion 1 (nested dependencies)", async () => {
    const fs = freshFs();
    const v1 = { lockfileVersion: 1, dependencies: { a: { version: "1.0.0", dependencies: { b: { version: "2.0.0" } } }, c: { version: "3.0.0", dev: true } } };
    fs.writeFile("/app/package-lock.json", JSON.stringify(v1));
    await run(fs, loadModels(), ["npm", "ci", "--production"], { cwd: "/app" });
    expect(fs.exists("/app/node_modules/a/node_modules/b/package.json")).toBe(true);
    expect(fs.exists("/app/node_modules/c")).toBe(false);
  });

  it("npm install without a lockfile: the model's default size", async () => {
    const fs = freshFs();
    const r = await run(fs, loadModels(), ["npm", "install"], { cwd: "/app" });
    expect(filesUnder(fs, "/app/node_modules")).toEqual({ files: 2630, bytes: 9_160_000 });
    expect(r.notes[0]).toContain("+2,630 files, 9.16 MB in /app/node_modules (no package-lock.json: the model's default size)");
  });

  it("npm install -g is not covered (a global install is not the project's node_modules)", () => {
    expect(loadModels().some((m) => m.program === "npm" && m.match(["install", "-g", "pnpm"]))).toBe(false);
  });

  it("pip install -r: one package per requirement (includes followed, duplicates once), and pip's cache unless --no-cache-dir", async () => {
    const fs = freshFs();
    fs.mkdir("/usr/lib/python3.11/site-packages", { recursive: true });
    fs.writeFile("/app/requirements.txt", "# web\nflask==3.0.3\nrequests[socks]>=2.31 ; python_version > '3.8'\n-r more.txt\n--index-url https://pypi.org/simple\n\n");
    fs.writeFile("/app/more.txt", "Flask\ngunicorn==22.0.0  # server\n-e git+https://example.com/x.git#egg=x\n");
    const r = await run(fs, loadModels(), ["pip", "install", "-r", "requirements.txt"], { cwd: "/app" });
    expect(r.code).toBe(0);
    const site = "/usr/lib/python3.11/site-packages";
    expect(fs.readdir(site)).toEqual(["flask", "flask-3.0.3.dist-info", "gunicorn", "gunicorn-22.0.0.dist-info", "requests", "requests-0.dist-info"]);
    expect(fs.readFile(`${site}/flask-3.0.3.dist-info/METADATA`).toString()).toBe("Metadata-Version: 2.1\nName: flask\nVersion: 3.0.3\n");
    expect(filesUnder(fs, site)).toEqual({ files: 3 * 50, bytes: 3 * 600_000 });
    expect(filesUnder(fs, "/root/.cache/pip")).toEqual({ files: 3 * 2, bytes: 3 * 85_000 });

    const noCache = freshFs();
    noCache.mkdir("/usr/lib/python3.11/site-packages", { recursive: true });
    noCache.writeFile("/app/requirements.txt", "flask==3.0.3\n");
    await run(noCache, loadModels(), ["pip3", "install", "--no-cache-dir", "--requirement", "requirements.txt"], { cwd: "/app" });
    expect(noCache.exists("/root/.cache")).toBe(false);
    expect(filesUnder(noCache, "/usr/lib/python3.11/site-packages").files).toBe(50);
  });

  it("names a missing lockfile when the model has no default size", async () => {
    const fs = freshFs();
    fs.mkdir("/usr/lib/python3.11/site-packages", { recursive: true });
    const r = await run(fs, loadModels(), ["pip", "install", "-r", "reqs.txt"], { cwd: "/app" });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('pip: /app/reqs.txt: no such file (the model sizes the install from it) (model "pip-install-requirements")\n');
  });
});

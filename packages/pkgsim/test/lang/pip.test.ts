import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RootFS } from "@tsbuild/fs-snapshot";
import { runCommand } from "@tsbuild/shell";
import { Fetcher } from "@tsbuild/fetch";
import { simulatedBinariesWith, withPackageManagers } from "@tsbuild/pkgsim";
import { debianWithPip, officialPython } from "./fake-images.js";
import { wheel } from "./wheel.js";
import { serveAnswers, type ServedFiles } from "../support.js";

const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
let server: ServedFiles;
let base = "";
const hits = new Map<string, number>();
const files = new Map<string, Buffer>();
const pages = new Map<string, string>();
const dirs: string[] = [];
const cacheDir = () => {
  const d = mkdtempSync(join(tmpdir(), "tsbuild-pip-"));
  dirs.push(d);
  return d;
};
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  const alpha = wheel("tsb-alpha", "1.0.0", {
    "tsb_alpha/__init__.py": '__version__ = "1.0.0"\n',
    "tsb_alpha/cli.py": "def main():\n    return 0\n",
    "tsb_alpha-1.0.0.data/scripts/alpha-sh": { data: "#!/bin/sh\necho alpha\n", mode: 0o755 },
    "@entry_points.txt": "[console_scripts]\ntsb-alpha = tsb_alpha.cli:main\n",
  }, "Requires-Dist: tsb-beta (>=0.2)\nRequires-Dist: tsb-extra ; extra == 'x'\n");
  const beta1 = wheel("tsb-beta", "0.1.0", { "tsb_beta.py": "OLD = 1\n" });
  const beta2 = wheel("tsb-beta", "0.2.0", { "tsb_beta.py": "VALUES = [1, 2, 3]\n" });
  const bad = wheel("tsb-bad", "1.0.0", { "tsb_bad.py": "x = 1\n" });
  for (const w of [alpha, beta1, beta2, bad]) files.set(`/files/${w.filename}`, w.bytes);
  const link = (w: { filename: string; bytes: Buffer }, hash = sha(w.bytes)) => `<a href="../../files/${w.filename}#sha256=${hash}">${w.filename}</a>`;
  pages.set("/simple/tsb-alpha/", `<html><body>${link(alpha)}</body></html>`);
  pages.set("/simple/tsb-beta/", `<html><body>${link(beta1)}\n${link(beta2)}\n<a href="../../files/tsb_beta-0.3.0.tar.gz">tsb_beta-0.3.0.tar.gz</a></body></html>`);
  pages.set("/simple/tsb-bad/", `<html><body>${link(bad, "0".repeat(64))}</body></html>`);
  server = await serveAnswers((path) => {
    const page = pages.get(path);
    if (page) return { status: 200, headers: { "content-type": "text/html" }, body: page };
    const body = files.get(path);
    return body ? { status: 200, body } : { status: 404, body: "not found" };
  }, { hits });
  base = server.base;
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function run(fs: RootFS, script: string, fetcher: Fetcher, env: Record<string, string> = {}) {
  let out = "", err = "";
  const notes: string[] = [];
  fs.beginStep();
  const res = await runCommand(fs, {
    argv: ["/bin/sh", "-c", script], config: { Env: Object.entries({ PATH, HOME: "/root", ...env }).map(([k, v]) => `${k}=${v}`), WorkingDir: "/", User: "" },
    stdout: (s) => void (out += s), stderr: (s) => void (err += s), notes: (l) => void notes.push(l),
    binaries: simulatedBinariesWith({ fetcher }), models: withPackageManagers([], { fetcher }),
  });
  return { code: res.exitCode, out, err, notes };
}

const SITE = "/usr/local/lib/python3.11/dist-packages";

describe("pip install of wheels (pip 23 on Debian bookworm)", () => {
  it("refuses the system Python without --break-system-packages (PEP 668), with the image's own text", async () => {
    const fs = await debianWithPip();
    const r = await run(fs, `pip install --index-url ${base}/simple/ tsb-beta`, new Fetcher({ cache: cacheDir() }));
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "error: externally-managed-environment\n\n× This environment is externally managed\n╰─> To install Python packages system-wide, try apt install\n" +
      "    python3-xyz, where xyz is the package you are trying to\n    install.\n    \n    See /usr/share/doc/python3.11/README.venv for more information.\n\n" +
      "note: If you believe this is a mistake, please contact your Python installation or OS distribution provider. You can override this, at the risk of breaking your Python installation or OS, by passing --break-system-packages.\n" +
      "hint: See PEP 668 for the detailed specification.\n");
    expect(fs.exists(SITE)).toBe(false);
  });

  it("installs the wheels and their dependencies into Debian's /usr/local dist-packages with pip's RECORD, INSTALLER, REQUESTED and scripts", async () => {
    const fs = await debianWithPip();
    const r = await run(fs, `pip install --break-system-packages --index-url ${base}/simple/ tsb-alpha`, new Fetcher({ cache: cacheDir() }));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Looking in indexes: ${base}/simple/\nCollecting tsb-alpha\n  Downloading ${base}/files/tsb_alpha-1.0.0-py3-none-any.whl (`);
    expect(r.out).toContain("Installing collected packages: tsb-beta, tsb-alpha\nSuccessfully installed tsb-alpha-1.0.0 tsb-beta-0.2.0\n");
    expect(r.err).toContain("WARNING: Running pip as the 'root' user");
    // the newest wheel that satisfies >=0.2; the sdist is not taken; the extra's dependency is not
    expect(fs.readFile(`${SITE}/tsb_beta.py`).toString()).toBe("VALUES = [1, 2, 3]\n");
    expect(fs.exists(`${SITE}/tsb_extra`)).toBe(false);
    const script = fs.readFile("/usr/local/bin/tsb-alpha").toString();
    expect(script).toBe("#!/usr/bin/python3\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom tsb_alpha.cli import main\nif __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n");
    expect(fs.stat("/usr/local/bin/tsb-alpha").mode & 0o777).toBe(0o755);
    expect(fs.stat("/usr/local/bin/alpha-sh").mode & 0o777).toBe(0o755);
    const info = `${SITE}/tsb_alpha-1.0.0.dist-info`;
    expect(fs.readFile(`${info}/INSTALLER`).toString()).toBe("pip\n");
    expect(fs.readFile(`${info}/REQUESTED`).length).toBe(0);
    expect(fs.exists(`${SITE}/tsb_beta-0.2.0.dist-info/REQUESTED`)).toBe(false); // a dependency, not requested
    // csv.writer's CRLF line ends, as pip 23 writes RECORD
    const record = fs.readFile(`${info}/RECORD`).toString().split("\r\n");
    expect(record.pop()).toBe("");
    const h = (p: string) => `sha256=${createHash("sha256").update(fs.readFile(p)).digest("base64url")}`;
    expect(record).toEqual([
      `../../../bin/alpha-sh,${h("/usr/local/bin/alpha-sh")},21`,
      `../../../bin/tsb-alpha,${h("/usr/local/bin/tsb-alpha")},${script.length}`,
      `tsb_alpha-1.0.0.dist-info/INSTALLER,${h(`${info}/INSTALLER`)},4`,
      `tsb_alpha-1.0.0.dist-info/METADATA,${h(`${info}/METADATA`)},${fs.stat(`${info}/METADATA`).size}`,
      "tsb_alpha-1.0.0.dist-info/RECORD,,",
      `tsb_alpha-1.0.0.dist-info/REQUESTED,${h(`${info}/REQUESTED`)},0`,
      `tsb_alpha-1.0.0.dist-info/WHEEL,${h(`${info}/WHEEL`)},${fs.stat(`${info}/WHEEL`).size}`,
      `tsb_alpha-1.0.0.dist-info/entry_points.txt,${h(`${info}/entry_points.txt`)},49`,
      `tsb_alpha/__init__.py,${h(`${SITE}/tsb_alpha/__init__.py`)},22`,
      "tsb_alpha/__pycache__/__init__.cpython-311.pyc,,",
      "tsb_alpha/__pycache__/cli.cpython-311.pyc,,",
      `tsb_alpha/cli.py,${h(`${SITE}/tsb_alpha/cli.py`)},25`,
    ]);
    // .pyc: the right names and header (CPython 3.11's magic, source size); the code is an estimate, and a note says so
    const pyc = fs.readFile(`${SITE}/tsb_alpha/__pycache__/cli.cpython-311.pyc`);
    expect(pyc.subarray(0, 4).toString("hex")).toBe("a70d0d0a");
    expect(pyc.readUInt32LE(12)).toBe(25);
    expect(r.notes.join("\n")).toMatch(/\.pyc files are estimates/);
  });

  it("--no-compile writes no .pyc; a second run is served offline from the content cache", async () => {
    const dir = cacheDir();
    const first = await debianWithPip();
    await run(first, `pip install --break-system-packages --no-compile -i ${base}/simple/ tsb-beta==0.1.0`, new Fetcher({ cache: dir }));
    expect(first.readFile(`${SITE}/tsb_beta.py`).toString()).toBe("OLD = 1\n");
    expect(first.exists(`${SITE}/__pycache__`)).toBe(false);
    const before = hits.get("/files/tsb_beta-0.1.0-py3-none-any.whl");
    const second = await debianWithPip();
    const r = await run(second, `PIP_INDEX_URL=${base}/simple/ python3 -m pip install --break-system-packages --no-compile tsb-beta==0.1.0`, new Fetcher({ cache: dir, offline: true }));
    expect(r.code).toBe(0);
    expect(hits.get("/files/tsb_beta-0.1.0-py3-none-any.whl")).toBe(before);
    expect(second.readFile(`${SITE}/tsb_beta-0.1.0.dist-info/RECORD`).equals(first.readFile(`${SITE}/tsb_beta-0.1.0.dist-info/RECORD`))).toBe(true);
  });

  it("refuses a wheel whose bytes do not have the index's #sha256, and a name the index lacks", async () => {
    const fs = await debianWithPip();
    const r = await run(fs, `pip install --break-system-packages -i ${base}/simple/ tsb-bad`, new Fetcher({ cache: cacheDir() }));
    expect(r.code).toBe(1);
    expect(r.err).toContain("ERROR: THESE PACKAGES DO NOT MATCH THE HASHES");
    expect(fs.exists(`${SITE}/tsb_bad.py`)).toBe(false);
    const r2 = await run(await debianWithPip(), `pip install --break-system-packages -i ${base}/simple/ tsb-beta==9.9`, new Fetcher({ cache: cacheDir() }));
    expect(r2.code).toBe(1);
    expect(r2.err).toBe("ERROR: Could not find a version that satisfies the requirement tsb-beta==9.9 (from versions: 0.1.0, 0.2.0)\nERROR: No matching distribution found for tsb-beta==9.9\n");
  });

  it("reads requirements files and pip.conf's index-url", async () => {
    const fs = await debianWithPip();
    fs.writeFile("/etc/pip.conf", `[global]\nindex-url = ${base}/simple/\nbreak-system-packages = true\n`);
    fs.writeFile("/req.txt", "# pinned\ntsb-beta==0.2.0  # the new one\n");
    const r = await run(fs, "pip3 install --no-cache-dir -r /req.txt", new Fetcher({ cache: cacheDir() }));
    expect(r.code).toBe(0);
    expect(fs.readFile(`${SITE}/tsb_beta.py`).toString()).toBe("VALUES = [1, 2, 3]\n");
  });
});

describe("pip install --upgrade", () => {
  it("uninstalls the version it replaces (its RECORD's files, .pyc and .dist-info) as pip does", async () => {
    const fs = await debianWithPip();
    const first = await run(fs, `pip install --break-system-packages -i ${base}/simple/ tsb-beta==0.1.0`, new Fetcher({ cache: cacheDir() }));
    expect(first.code).toBe(0);
    await fs.commitStep();
    const r = await run(fs, `pip install --break-system-packages -U -i ${base}/simple/ tsb-beta`, new Fetcher({ cache: cacheDir() }));
    expect(r.code).toBe(0);
    expect(r.out).toContain("  Attempting uninstall: tsb-beta\n    Found existing installation: tsb-beta 0.1.0\n    Uninstalling tsb-beta-0.1.0:\n      Successfully uninstalled tsb-beta-0.1.0\n");
    expect(fs.exists(`${SITE}/tsb_beta-0.1.0.dist-info`)).toBe(false);
    expect(fs.readdir(SITE).sort()).toEqual(["__pycache__", "tsb_beta-0.2.0.dist-info", "tsb_beta.py"]);
    expect(fs.readdir(`${SITE}/__pycache__`)).toEqual(["tsb_beta.cpython-311.pyc"]);
  });

  it("fails without network as pip does, and refuses a wheel with a path that leaves site-packages", async () => {
    const fs = await debianWithPip();
    const r = await run(fs, `pip install --break-system-packages -i ${base}/simple/ tsb-beta`, new Fetcher({ cache: cacheDir(), network: false }));
    expect(r.code).toBe(1);
    expect(r.err).toContain("ERROR: No matching distribution found for tsb-beta");
    const evil = wheel("tsb-evil", "1.0.0", { "../../../../etc/evil": "x\n" });
    files.set(`/files/${evil.filename}`, evil.bytes);
    pages.set("/simple/tsb-evil/", `<a href="../../files/${evil.filename}#sha256=${sha(evil.bytes)}">${evil.filename}</a>`);
    const fs2 = await debianWithPip();
    const r2 = await run(fs2, `pip install --break-system-packages -i ${base}/simple/ tsb-evil`, new Fetcher({ cache: cacheDir() }));
    expect(r2.code).toBe(1);
    expect(r2.err).toContain("leaves the installation directory");
    expect(fs2.exists("/etc/evil")).toBe(false);
  });
});

describe("pip install in the python official image's layout", () => {
  it("installs into <prefix>/lib/python3.12/site-packages with no PEP 668 refusal, scripts in /usr/local/bin", async () => {
    const fs = await officialPython();
    const r = await run(fs, `pip install -i ${base}/simple/ tsb-beta==0.2.0 && python -m pip install -i ${base}/simple/ tsb-beta`, new Fetcher({ cache: cacheDir() }));
    expect(r.code).toBe(0);
    expect(r.out).toContain("Requirement already satisfied: tsb-beta in /usr/local/lib/python3.12/site-packages (0.2.0)");
    const site = "/usr/local/lib/python3.12/site-packages";
    expect(fs.readFile(`${site}/tsb_beta.py`).toString()).toBe("VALUES = [1, 2, 3]\n");
    expect(fs.readFile(`${site}/__pycache__/tsb_beta.cpython-312.pyc`).subarray(0, 4).toString("hex")).toBe("cb0d0d0a");
  });
});

import { execFileSync, spawnSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RootFS } from "@tsbuild/fs-snapshot";
import { baseFs, runStep } from "./helpers.js";

const SCRIPT = "/usr/sbin/update-ca-certificates";
const MOZILLA = "/usr/share/ca-certificates/mozilla";
const FIXTURES = new URL("../../pkgsim/test/fixtures/ca/", import.meta.url).pathname;
const haveReal = existsSync(SCRIPT) && existsSync(MOZILLA) && spawnSync("openssl", ["version"]).status === 0;
if (!haveReal) console.warn(`SKIPPED: update-ca-certificates is compared with Debian's ${SCRIPT} and openssl, which this machine lacks (apt-get install ca-certificates)`);
const haveOpenssl = spawnSync("openssl", ["version"]).status === 0;

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]);
const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!haveOpenssl)("OpenSSL's subject hash", () => {
  it("equals `openssl x509 -subject_hash` for every certificate at hand", async () => {
    const { subjectHashOf } = await import("./x509-hash-access.js");
    const files = [...readdirSync(FIXTURES).map((f) => join(FIXTURES, f)), ...(existsSync(MOZILLA) ? readdirSync(MOZILLA).slice(0, 30).map((f) => join(MOZILLA, f)) : [])];
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      const want = execFileSync("openssl", ["x509", "-noout", "-subject_hash", "-in", f]).toString().trim();
      expect(`${f}: ${subjectHashOf(new X509Certificate(readFileSync(f)))}`).toBe(`${f}: ${want}`);
    }
  });
});

/** Name → what is there: a link's target, or a file's mode and content hash. */
function hostTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    const st = lstatSync(p);
    out[n] = st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : `${(st.mode & 0o7777).toString(8)} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`;
  }
  return out;
}

function sandboxTree(fs: RootFS, dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of [...fs.readdir(dir)].sort()) {
    const p = `${dir}/${n}`;
    const st = fs.lstat(p);
    out[n] = st.type === "symlink" ? `-> ${fs.readlink(p)}` : `${(st.mode & 0o7777).toString(8)} ${createHash("sha256").update(fs.readFile(p)).digest("hex")}`;
  }
  return out;
}

/** The host's scratch tree, copied to the same paths in the sandbox. */
function mirror(fs: RootFS, dir: string): void {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = lstatSync(p);
    if (st.isDirectory()) {
      if (!fs.exists(p)) fs.mkdir(p, { recursive: true });
      mirror(fs, p);
    } else if (st.isFile()) fs.writeFile(p, readFileSync(p), { mode: st.mode & 0o7777 });
  }
}

describe.skipIf(!haveReal)("update-ca-certificates does what Debian's does", () => {
  it("makes the same links, hash links and bundle, and says the same, over two runs", async () => {
    const s = mkdtempSync(join(tmpdir(), "tsbuild-ca-"));
    scratch.push(s);
    for (const d of ["share/mozilla", "share/extra", "local/sub", "certs", "hooks", "tmp"]) mkdirSync(join(s, d), { recursive: true });
    const all = readdirSync(MOZILLA).sort();
    const picked = [...all.slice(0, 8), ...all.filter((n) => /[(), ]/.test(n)).slice(0, 4)];
    for (const n of picked) copyFileSync(join(MOZILLA, n), join(s, "share/mozilla", n));
    for (const n of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, n), join(s, "share/extra", n));
    // A local copy of an enabled certificate: rehash skips the duplicate.
    copyFileSync(join(MOZILLA, picked[0]), join(s, "local/sub/dup.crt"));
    // No trailing newline: the bundle gets one.
    writeFileSync(join(s, "local/zz.crt"), readFileSync(join(FIXTURES, "ISRG_Root_X1.crt")).toString().trimEnd());
    const conf = (lines: string[]) => writeFileSync(join(s, "conf"), `# comment\n\n${lines.join("\n")}\n`);
    conf([...picked.map((n) => `mozilla/${n}`), "extra/ISRG_Root_X1.crt", "mozilla/Missing.crt"]);

    const args = ["--certsconf", `${s}/conf`, "--certsdir", `${s}/share`, "--localcertsdir", `${s}/local`, "--etccertsdir", `${s}/certs`, "--hooksdir", `${s}/hooks`];
    const fs = await baseFs();
    fs.mkdir("/usr/sbin", { recursive: true });
    fs.writeFile("/usr/sbin/update-ca-certificates", ELF, { mode: 0o755 });
    fs.mkdir(s, { recursive: true });
    const runs: Array<() => void> = [
      () => undefined,
      // Second run: one certificate disabled, another added, one link made stale.
      () => conf([...picked.slice(1).map((n) => `mozilla/${n}`), `!mozilla/${picked[0]}`, "extra/ISRG_Root_X1.crt", "extra/T-TeleSec_GlobalRoot_Class_3.crt"]),
    ];
    const seen: string[] = [];
    for (const change of runs) {
      change();
      mirror(fs, s);
      const real = spawnSync(SCRIPT, args, { env: { PATH: process.env.PATH, TMPDIR: `${s}/tmp` }, encoding: "utf8" });
      const sim = await runStep(fs, [SCRIPT, ...args], { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", TMPDIR: `${s}/tmp` } });
      expect(sim.stdout).toBe(real.stdout);
      expect(sim.stderr).toBe(real.stderr);
      expect(sim.exitCode).toBe(real.status);
      expect(sandboxTree(fs, `${s}/certs`)).toEqual(hostTree(`${s}/certs`));
      expect(fs.readdir(`${s}/tmp`)).toEqual([]);
      seen.push(real.stdout, real.stderr, Object.keys(hostTree(`${s}/certs`)).join(" "));
    }
    // What the comparison covered: hash links, the warnings, a removal.
    const covered = seen.join("\n");
    expect(covered).toMatch(/[0-9a-f]{8}\.0/);
    expect(covered).toContain("not found, but listed in");
    expect(covered).toContain("skipping duplicate certificate");
    expect(covered).toContain("1 removed");
  });
});

import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pack } from "tar-stream";
import * as openpgp from "openpgp";
import { runCommand } from "@tsbuild/shell";
import { Fetcher } from "@tsbuild/fetch";
import { simulatedBinariesWith } from "@tsbuild/pkgsim";
import { imageFs } from "./helpers.js";
import { serveAnswers, type ServedFiles } from "./support.js";

const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
let base = "";
let server: ServedFiles;
const hits = new Map<string, number>();
let tgz: Buffer;
let key: openpgp.PrivateKey;
const dirs: string[] = [];
const cache = () => {
  const d = mkdtempSync(join(tmpdir(), "tsbuild-downloads-"));
  dirs.push(d);
  return d;
};

async function tarGz(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((ok) => p.on("end", ok));
  for (const [name, data] of Object.entries(files)) p.entry({ name, mode: 0o755, mtime: new Date("2024-01-01T00:00:00Z") }, data);
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

beforeAll(async () => {
  tgz = await tarGz({ "app/bin/hello": "#!/bin/sh\necho hello from the archive\n" });
  key = (await openpgp.generateKey({ userIDs: [{ name: "Release Signer", email: "rel@example.invalid" }], format: "object" })).privateKey;
  const release = Buffer.from("release 1.0\n");
  const sig = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(release) }), signingKeys: key, detached: true })) as string;
  const routes: Record<string, Buffer> = {
    "/dl/app-1.0.tar.gz": tgz, "/dl/key.txt": Buffer.from("key material\n"),
    "/dl/release.txt": release, "/dl/release.txt.asc": Buffer.from(sig), "/dl/forged.txt": Buffer.from("release 1.1\n"),
    "/dl/signer.asc": Buffer.from(key.toPublic().armor()),
    [`/pks/lookup?op=get&options=mr&search=0x${key.getFingerprint().toUpperCase()}`]: Buffer.from(key.toPublic().armor()),
  };
  server = await serveAnswers((path) => {
    if (path === "/latest") return { status: 302, headers: { location: "/dl/app-1.0.tar.gz" } };
    const body = routes[path];
    return body ? { status: 200, body } : { status: 404, body: "<h1>not found</h1>" };
  }, { hits });
  base = server.base;
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function step(ref: string, script: string, fetcher: Fetcher) {
  const fs = await imageFs(ref);
  let out = "", err = "";
  const notes: string[] = [];
  fs.beginStep();
  const res = await runCommand(fs, {
    argv: ["/bin/sh", "-c", script], config: { Env: [`PATH=${PATH}`] },
    stdout: (s) => void (out += s), stderr: (s) => void (err += s), notes: (l) => void notes.push(l),
    binaries: simulatedBinariesWith({ fetcher }),
  });
  return { code: res.exitCode, out, err, notes, fs };
}

const sum = () => createHash("sha256").update(tgz).digest("hex");

describe("gpg through openpgp", () => {
  it("--dearmor gives gpg's bytes; --recv-keys from a keyserver; --verify accepts the real signature and refuses a forged file", async () => {
    const f = new Fetcher({ cache: cache(), offline: false });
    const fpr = key.getFingerprint().toUpperCase();
    const r = await step("alpine:3.19", [
      "set -e",
      "printf '' > /usr/bin/gpg && chmod 755 /usr/bin/gpg", // the image's gpg (apk add gnupg)
      `wget -q -O- ${base}/dl/signer.asc | gpg --dearmor -o /usr/share/keyrings-signer.gpg`,
      'export GNUPGHOME="$(mktemp -d)"',
      `gpg --batch --keyserver ${base} --recv-keys ${fpr}`,
      `wget -q -O /tmp/release.txt ${base}/dl/release.txt && wget -q -O /tmp/release.txt.asc ${base}/dl/release.txt.asc`,
      "gpg --batch --verify /tmp/release.txt.asc /tmp/release.txt",
      `wget -q -O /tmp/forged.txt ${base}/dl/forged.txt`,
      "if gpg --batch --verify /tmp/release.txt.asc /tmp/forged.txt; then echo FORGED-ACCEPTED; fi",
      'rm -rf "$GNUPGHOME"',
    ].join("\n"), f);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("FORGED-ACCEPTED");
    expect(r.err).toContain('gpg: Good signature from "Release Signer <rel@example.invalid>"');
    expect(r.err).toContain("gpg: BAD signature");
    expect(r.fs.readFile("/usr/share/keyrings-signer.gpg").equals(Buffer.from(key.toPublic().write()))).toBe(true);
  });
});

describe("curl and wget make real requests through the content cache", () => {
  it("the official-image pattern: curl -fsSL -o, sha256sum -c, then curl | tar -xz", async () => {
    const f = new Fetcher({ cache: cache(), offline: false });
    const r = await step("debian:bookworm-slim", [
      "set -e",
      "apt-get update -qq >/dev/null && apt-get install -y -qq curl >/dev/null 2>&1",
      `curl -fsSL --retry 3 ${base}/dl/app-1.0.tar.gz -o /tmp/app.tgz`,
      `echo "${sum()}  /tmp/app.tgz" | sha256sum -c -`,
      "mkdir -p /opt/app",
      `curl -fsSL ${base}/latest | tar -xz -C /opt/app`,
      `cd /tmp && curl -sSLO ${base}/dl/key.txt`,
    ].join("\n"), f);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("/tmp/app.tgz: OK");
    expect(r.fs.readFile("/tmp/app.tgz").equals(tgz)).toBe(true);
    expect(r.fs.readFile("/opt/app/app/bin/hello").toString()).toBe("#!/bin/sh\necho hello from the archive\n");
    expect(r.fs.readFile("/tmp/key.txt").toString()).toBe("key material\n");
  });

  it("a wrong checksum fails the step, as it would in Docker", async () => {
    const r = await step("debian:bookworm-slim", `set -e\napt-get update -qq >/dev/null && apt-get install -y -qq curl >/dev/null\ncurl -fsSL -o /tmp/a ${base}/dl/key.txt\necho "${"0".repeat(64)}  /tmp/a" | sha256sum -c -`, new Fetcher({ cache: cache(), offline: false }));
    expect(r.code).not.toBe(0);
    expect(r.out + r.err).toContain("FAILED");
  });

  it("curl -f on an error answer exits 22; without -f the error page is the output", async () => {
    const f = new Fetcher({ cache: cache(), offline: false });
    const r = await step("debian:bookworm-slim", `apt-get update -qq >/dev/null && apt-get install -y -qq curl >/dev/null; curl -fsS ${base}/nope; echo "exit $?"; curl -s ${base}/nope`, f);
    expect(r.err).toContain("curl: (22) The requested URL returned error: 404");
    expect(r.out).toContain("exit 22");
    expect(r.out).toContain("<h1>not found</h1>");
  });

  it("busybox wget: -q -O- into a pipe, -O FILE, and the URL's name in the working directory", async () => {
    const f = new Fetcher({ cache: cache(), offline: false });
    const r = await step("alpine:3.19", `set -e\nmkdir /opt/x && wget -q -O- ${base}/dl/app-1.0.tar.gz | tar -xz -C /opt/x\nwget -q -O /tmp/k ${base}/dl/key.txt\ncd /srv && wget -q ${base}/dl/key.txt`, f);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.fs.readFile("/opt/x/app/bin/hello").toString()).toContain("hello from the archive");
    expect(r.fs.readFile("/tmp/k").toString()).toBe("key material\n");
    expect(r.fs.readFile("/srv/key.txt").toString()).toBe("key material\n");
    const bad = await step("alpine:3.19", `wget -q -O /tmp/x ${base}/nope`, f);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("wget: server returned error: HTTP/1.1 404");
  });

  it("offline, the second run gets the same bytes from the cache; a URL never fetched fails naming it", async () => {
    const dir = cache();
    await step("alpine:3.19", `wget -q -O /tmp/a ${base}/dl/app-1.0.tar.gz`, new Fetcher({ cache: dir, offline: false }));
    const before = hits.get("/dl/app-1.0.tar.gz");
    const off = new Fetcher({ cache: dir, offline: true });
    const r = await step("alpine:3.19", `wget -q -O /tmp/a ${base}/dl/app-1.0.tar.gz`, off);
    expect(r.code).toBe(0);
    expect(r.fs.readFile("/tmp/a").equals(tgz)).toBe(true);
    expect(hits.get("/dl/app-1.0.tar.gz")).toBe(before);
    const miss = await step("alpine:3.19", `wget -q -O /tmp/b ${base}/dl/key.txt`, off);
    expect(miss.code).toBe(1);
    expect(miss.notes.join("\n")).toContain(`${base}/dl/key.txt: not in the content cache`);
  });

  it("without network (RUN --network=none) curl cannot resolve the host", async () => {
    const f = new Fetcher({ cache: cache(), offline: false }).withoutNetwork();
    const r = await step("debian:bookworm-slim", `apt-get update -qq >/dev/null && apt-get install -y -qq curl >/dev/null; curl -fsSL -o /tmp/x ${base}/dl/key.txt`, f);
    expect(r.code).toBe(6);
    expect(r.err).toContain("curl: (6) Could not resolve host: 127.0.0.1");
  });
});

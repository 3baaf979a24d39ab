import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importTar, memoryStore, openStore, v2Metadata } from "@tsbuild/store";
import { credentialsFor, pull, push, RegistryClient, saveCredentials, eraseCredentials } from "../src/index.js";
import { FakeRegistry, makeImage, tinyTar, zstdRaw, sha, type FakeImage } from "./fake-registry.js";
import { busyboxTar, hasProgram, REGISTRY_BIN, startRegistry, tempDir } from "./helpers.js";
import { requireTokens, TokenServer } from "./token-server.js";

describe("bearer tokens from the WWW-Authenticate challenge (Docker Hub's flow)", () => {
  let reg: FakeRegistry;
  let ts: TokenServer;
  let img: FakeImage;

  beforeEach(async () => {
    reg = await new FakeRegistry().start();
    ts = await new TokenServer().start();
    ts.users.set("alice", "s3cret");
    ts.grants = (user, repo) => (user === "alice" ? ["pull", "push"] : repo === "public/img" ? ["pull"] : []);
    requireTokens(reg, ts);
    img = makeImage([await tinyTar({ "hello.txt": "hi\n" })]);
    reg.add("private/img", "1", img);
    reg.add("public/img", "1", img);
  });
  afterEach(async () => {
    await reg.stop();
    await ts.stop();
  });

  it("anonymous pull of a public repository gets an anonymous token", async () => {
    const r = await pull(memoryStore(), `${reg.host}/public/img:1`, { credentials: null });
    expect(r.id).toBe(img.id);
    expect(reg.requests.filter((q) => q.path.includes("/blobs/")).every((q) => q.auth?.startsWith("Bearer "))).toBe(true);
  });

  it("a private repository needs the password, and a wrong one is refused", async () => {
    await expect(pull(memoryStore(), `${reg.host}/private/img:1`, { credentials: null })).rejects.toThrow(/pull access denied for .*private\/img/);
    await expect(pull(memoryStore(), `${reg.host}/private/img:1`, { credentials: { username: "alice", password: "nope" } }))
      .rejects.toThrow(/unauthorized: incorrect username or password/);
    const r = await pull(memoryStore(), `${reg.host}/private/img:1`, { credentials: { username: "alice", password: "s3cret" } });
    expect(r.id).toBe(img.id);
  });

  it("an identity token (OAuth refresh token) is traded for an access token", async () => {
    ts.refreshTokens.set("rt-alice", "alice");
    const r = await pull(memoryStore(), `${reg.host}/private/img:1`, { credentials: { identityToken: "rt-alice" } });
    expect(r.id).toBe(img.id);
    await expect(pull(memoryStore(), `${reg.host}/private/img:1`, { credentials: { identityToken: "stolen" } })).rejects.toThrow(/unauthorized/);
  });

  it("an expired token is replaced by a fresh one", async () => {
    ts.maxUses = 2;
    const r = await pull(memoryStore(), `${reg.host}/private/img:1`, { credentials: { username: "alice", password: "s3cret" } });
    expect(r.id).toBe(img.id);
    expect(ts.issued).toBeGreaterThan(1);
  });

  it("push needs the push scope: an insufficient token is denied", async () => {
    const store = memoryStore();
    const id = await importTar(store, await tinyTar({ "x": "y" }), { ref: "local/x:1" });
    await expect(push(store.getImage(id)!, `${reg.host}/public/img:2`, { credentials: null })).rejects.toThrow(/denied/);
    const ok = await push(store.getImage(id)!, `${reg.host}/private/new:1`, { credentials: { username: "alice", password: "s3cret" }, store });
    expect(reg.manifests.get(`private/new:1`)).toBeDefined();
    const back = await pull(memoryStore(), `${reg.host}/private/new@${ok.digest}`, { credentials: { username: "alice", password: "s3cret" } });
    expect(back.id).toBe(id);
  });

  it("login checks the credentials against the token server", async () => {
    await new RegistryClient(reg.host, { credentials: { username: "alice", password: "s3cret" } }).login();
    await expect(new RegistryClient(reg.host, { credentials: { username: "alice", password: "x" } }).login()).rejects.toThrow(/incorrect username or password/);
  });

  it("a blob redirect to another host is followed without the Authorization header", async () => {
    const store2 = await new FakeRegistry().start();
    try {
      const [layer] = img.manifest && JSON.parse(img.manifest.toString()).layers;
      store2.blobs.set(layer.digest, reg.blobs.get(layer.digest)!);
      const inner = reg.hook!;
      reg.hook = async (req, res, url) => {
        if (url.pathname.endsWith(`/blobs/${layer.digest}`) && (await ts.valid(req.headers.authorization))) {
          res.writeHead(307, { location: `http://localhost:${store2.port}/v2/any/blobs/${layer.digest}?signature=x` }).end();
          return true;
        }
        return inner(req, res, url);
      };
      const r = await pull(memoryStore(), `${reg.host}/public/img:1`, { credentials: null });
      expect(r.id).toBe(img.id);
      expect(store2.requests).toHaveLength(1);
      expect(store2.requests[0].auth).toBeUndefined();
    } finally {
      await store2.stop();
    }
  });
});

describe("layer formats and platforms", () => {
  let reg: FakeRegistry;
  beforeEach(async () => {
    reg = await new FakeRegistry().start();
  });
  afterEach(async () => {
    await reg.stop();
  });

  it("zstd layers (OCI tar+zstd) are decompressed and checked against the diffID", async () => {
    const tar = await tinyTar({ "z.txt": "zstd layer\n".repeat(30000) });
    const img = makeImage([tar], { compress: zstdRaw, layerType: "application/vnd.oci.image.layer.v1.tar+zstd" });
    reg.add("z/img", "1", img);
    const root = tempDir();
    const store = openStore(root);
    const r = await pull(store, `${reg.host}/z/img:1`);
    expect(r.id).toBe(img.id);
    expect(await store.fsck()).toEqual([]);
  });

  it("an image index: linux/amd64 by default, --platform picks another; the index digest is recorded", async () => {
    const amd = makeImage([await tinyTar({ "arch": "amd64\n" })]);
    const arm = makeImage([await tinyTar({ "arch": "arm64\n" })], { arch: "arm64" });
    reg.add("m/img", amd.manifestDigest, amd);
    reg.add("m/img", arm.manifestDigest, arm);
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
      manifests: [
        { mediaType: "application/vnd.docker.distribution.manifest.v2+json", digest: arm.manifestDigest, size: arm.manifest.length, platform: { os: "linux", architecture: "arm64", variant: "v8" } },
        { mediaType: "application/vnd.docker.distribution.manifest.v2+json", digest: amd.manifestDigest, size: amd.manifest.length, platform: { os: "linux", architecture: "amd64" } },
      ],
    }));
    reg.addManifest("m/img", "1", index, "application/vnd.docker.distribution.manifest.list.v2+json");
    const store = memoryStore();
    const a = await pull(store, `${reg.host}/m/img:1`);
    expect(a.id).toBe(amd.id);
    expect(a.digest).toBe(sha(index));
    expect(store.digestsOf(amd.id)).toEqual([`${reg.host}/m/img@${sha(index)}`]);
    const b = await pull(memoryStore(), `${reg.host}/m/img:1`, { platform: "linux/arm64" });
    expect(b.id).toBe(arm.id);
  });

  it("a foreign layer is fetched from its URL", async () => {
    const other = await new FakeRegistry().start();
    try {
      const img = makeImage([await tinyTar({ "f": "foreign\n" })], { layerType: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" });
      const m = JSON.parse(img.manifest.toString());
      const digest = m.layers[0].digest;
      m.layers[0].urls = [`http://127.0.0.1:${other.port}/layers/${digest}`];
      other.hook = (req, res) => (res.writeHead(200).end(img.blobs.get(digest)), true);
      reg.blobs.set(img.id, img.config);
      reg.addManifest("f/img", "1", Buffer.from(JSON.stringify(m)), "application/vnd.docker.distribution.manifest.v2+json");
      const r = await pull(memoryStore(), `${reg.host}/f/img:1`);
      expect(r.id).toBe(img.id);
      expect(other.requests.map((q) => q.path)).toEqual([`/layers/${digest}`]);
    } finally {
      await other.stop();
    }
  });
});

describe("credentials from the Docker config", () => {
  it("auths, login's write and logout's erase", async () => {
    const dir = tempDir();
    const env = { DOCKER_CONFIG: dir, PATH: process.env.PATH };
    expect(await credentialsFor("example.test:5000", { env })).toBeUndefined();
    await saveCredentials("example.test:5000", { username: "u", password: "p:w" }, { env });
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).auths["example.test:5000"].auth).toBe(Buffer.from("u:p:w").toString("base64"));
    expect(await credentialsFor("example.test:5000", { env })).toEqual({ username: "u", password: "p:w" });
    await saveCredentials("docker.io", { username: "hub", password: "x" }, { env });
    expect(Object.keys(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).auths)).toContain("https://index.docker.io/v1/");
    expect(await eraseCredentials("example.test:5000", { env })).toBe(true);
    expect(await eraseCredentials("example.test:5000", { env })).toBe(false);
    expect(await credentialsFor("example.test:5000", { env })).toBeUndefined();
  });

  it("a credential helper named by credHelpers is asked through its binary", async () => {
    const dir = tempDir();
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "docker-credential-tsbtest"), `#!/bin/sh\nread server\n[ "$1" = get ] && [ "$server" = "reg.test" ] && echo '{"ServerURL":"reg.test","Username":"helper-user","Secret":"helper-pw"}' && exit 0\necho "credentials not found in native keychain"; exit 1\n`);
    chmodSync(join(bin, "docker-credential-tsbtest"), 0o755);
    writeFileSync(join(dir, "config.json"), JSON.stringify({ credHelpers: { "reg.test": "tsbtest" }, auths: { "reg.test": { auth: Buffer.from("file:pw").toString("base64") } } }));
    const env = { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` };
    expect(await credentialsFor("reg.test", { env })).toEqual({ username: "helper-user", password: "helper-pw" });
    // Without the helper binary, the config's auths answer.
    expect(await credentialsFor("reg.test", { env: { DOCKER_CONFIG: dir, PATH: "/nonexistent" } })).toEqual({ username: "file", password: "pw" });
  });
});

describe.skipIf(!hasProgram(REGISTRY_BIN))("basic auth on the real registry (htpasswd, bcrypt)", () => {
  it("push and pull with the password; a wrong one and none are refused", async () => {
    const reg = await startRegistry({ htpasswd: `bob:${bcrypt.hashSync("hunter2", 6)}\n` });
    const store = openStore(tempDir());
    const id = await importTar(store, readFileSync(busyboxTar), { ref: "local/bb:1" });
    await expect(push(store.getImage(id)!, `${reg.host}/bob/bb:1`, { credentials: { username: "bob", password: "wrong" } })).rejects.toThrow(/denied|unauthorized/);
    await expect(push(store.getImage(id)!, `${reg.host}/bob/bb:1`, { credentials: null })).rejects.toThrow(/denied|unauthorized/);
    const cfg = tempDir();
    await saveCredentials(reg.host, { username: "bob", password: "hunter2" }, { env: { DOCKER_CONFIG: cfg } });
    const pushed = await push(store.getImage(id)!, `${reg.host}/bob/bb:1`, { env: { DOCKER_CONFIG: cfg }, store });
    await expect(pull(memoryStore(), `${reg.host}/bob/bb:1`, { credentials: null })).rejects.toThrow(/pull access denied/);
    const got = await pull(memoryStore(), `${reg.host}/bob/bb:1`, { env: { DOCKER_CONFIG: cfg } });
    expect(got.id).toBe(id);
    expect(got.digest).toBe(pushed.digest);
  });
});

describe("registry mirrors from daemon.json", () => {
  it("Docker Hub names go to the mirrors in order, a failing mirror is skipped; Docker Hub's name is recorded", async () => {
    const bad = await new FakeRegistry().start();
    const good = await new FakeRegistry().start();
    try {
      bad.hook = (req, res, url) => (url.pathname === "/v2/" ? false : (res.writeHead(500).end(), true));
      const img = makeImage([await tinyTar({ "etc/alpine-release": "3.19.9\n" })]);
      good.add("library/alpine", "3.19", img);
      const dir = tempDir();
      writeFileSync(join(dir, "daemon.json"), JSON.stringify({ "registry-mirrors": [`http://${bad.host}`, `http://${good.host}/`] }));
      const store = openStore(tempDir());
      const r = await pull(store, "alpine:3.19", { env: { TSBUILD_DAEMON_JSON: join(dir, "daemon.json") } });
      expect(r.id).toBe(img.id);
      expect(r.canonical).toBe("docker.io/library/alpine:3.19");
      expect(bad.requests.some((q) => q.path === "/v2/library/alpine/manifests/3.19")).toBe(true);
      expect(good.requests.some((q) => q.path === "/v2/library/alpine/manifests/3.19")).toBe(true);
      expect(store.resolve("alpine:3.19")).toBe(img.id);
      const diffID = JSON.parse(img.config.toString()).rootfs.diff_ids[0];
      expect(v2Metadata(store, diffID).map((m) => m.SourceRepository)).toEqual(["docker.io/library/alpine"]);
      // Names of other registries never go to the mirrors.
      await expect(pull(store, `${bad.host}/library/alpine:3.19`, { env: { TSBUILD_DAEMON_JSON: join(dir, "daemon.json") } })).rejects.toThrow(/500/);
    } finally {
      await bad.stop();
      await good.stop();
    }
  });
});

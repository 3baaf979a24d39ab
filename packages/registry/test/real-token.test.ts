import { spawnSync } from "node:child_process";
import { createPrivateKey, createSign, randomBytes, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importTar, memoryStore, openStore } from "@tsbuild/store";
import { pull, push } from "../src/index.js";
import { announceSkip, busyboxTar, hasProgram, REGISTRY_BIN, startRegistry, tempDir } from "./helpers.js";

const haveOpenssl = spawnSync("sh", ["-c", "command -v openssl"]).status === 0;
if (!haveOpenssl) announceSkip("openssl is missing: the real registry's token-auth test (a certificate for the token signer) did not run");

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/**
 * Docker Hub's token flow against the real registry: this server checks passwords and signs
 * RS256 JWTs with a certificate the registry trusts (x5c header, distribution's token auth).
 */
describe.skipIf(!hasProgram(REGISTRY_BIN) || !haveOpenssl)("token auth on the real registry (a token server in the test)", () => {
  let server: Server;
  let realm = "";
  let host = "";
  let issued = 0;
  let lifetime = 300;
  const users: Record<string, string> = { dave: "tok3n" };

  beforeAll(async () => {
    const dir = tempDir();
    const r = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=tsbuild-test-token"]);
    if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
    const key = createPrivateKey(readFileSync(join(dir, "key.pem")));
    const certDer = new X509Certificate(readFileSync(join(dir, "cert.pem"))).raw;
    server = createServer((req, res) => {
      const url = new URL(req.url!, "http://x");
      let user = "";
      const auth = req.headers.authorization;
      if (auth?.startsWith("Basic ")) {
        const [u, p] = Buffer.from(auth.slice(6), "base64").toString().split(":");
        if (users[u] !== p) return void res.writeHead(401).end('{"details":"incorrect username or password"}');
        user = u;
      }
      const access = url.searchParams.getAll("scope").map((s) => {
        const [type, name, actions] = s.split(":");
        // dave may pull and push anywhere; anonymous may pull public/*.
        const allowed = user ? actions.split(",") : name.startsWith("public/") ? actions.split(",").filter((a) => a === "pull") : [];
        return { type, name, actions: allowed };
      });
      const now = Math.floor(Date.now() / 1000);
      const header = { typ: "JWT", alg: "RS256", x5c: [certDer.toString("base64")] };
      const claims = { iss: "tsbuild-test-issuer", sub: user, aud: "tsbuild-test-registry", exp: now + lifetime, nbf: now - 10, iat: now, jti: randomBytes(8).toString("hex"), access };
      const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
      const sig = createSign("RSA-SHA256").update(input).sign(key);
      issued++;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: `${input}.${b64url(sig)}`, expires_in: lifetime }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    realm = `http://127.0.0.1:${(server.address() as { port: number }).port}/token`;
    const extra = `auth:\n  token:\n    realm: ${realm}\n    service: tsbuild-test-registry\n    issuer: tsbuild-test-issuer\n    rootcertbundle: ${join(dir, "cert.pem")}\n`;
    host = (await startRegistry({ extraConfig: extra })).host;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it("pushes and pulls with a password; anonymous pulls only where allowed; a wrong password and a missing scope are refused", async () => {
    const store = openStore(tempDir());
    const id = await importTar(store, readFileSync(busyboxTar), { ref: "local/bb:1" });
    const dave = { username: "dave", password: "tok3n" };
    await expect(push(store.getImage(id)!, `${host}/public/bb:1`, { credentials: { username: "dave", password: "no" } }))
      .rejects.toThrow(/incorrect username or password/);
    await expect(push(store.getImage(id)!, `${host}/public/bb:1`, { credentials: null })).rejects.toThrow(/denied|unauthorized/);
    const pushed = await push(store.getImage(id)!, `${host}/public/bb:1`, { credentials: dave, store });
    await push(store.getImage(id)!, `${host}/private/bb:1`, { credentials: dave, store });
    const anon = await pull(memoryStore(), `${host}/public/bb:1`, { credentials: null });
    expect(anon.id).toBe(id);
    expect(anon.digest).toBe(pushed.digest);
    await expect(pull(memoryStore(), `${host}/private/bb:1`, { credentials: null })).rejects.toThrow(/pull access denied/);
    expect((await pull(memoryStore(), `${host}/private/bb:1`, { credentials: dave })).id).toBe(id);
  });

  it("an expired token is refused by the registry, and a fresh one is fetched", async () => {
    lifetime = -120; // expired beyond the registry's 60 s leeway: it answers 401, the client asks again
    const before = issued;
    await expect(pull(memoryStore(), `${host}/public/bb:1`, { credentials: null })).rejects.toThrow(/pull access denied|unauthorized/);
    expect(issued - before).toBeGreaterThanOrEqual(2);
    lifetime = 300;
    expect((await pull(memoryStore(), `${host}/public/bb:1`, { credentials: null })).id).toMatch(/^sha256:/);
  });
});

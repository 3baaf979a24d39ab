import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import tar from "tar-stream";
import { layerEntries } from "@tsbuild/fs-snapshot";
import { buildDir, busyboxStore, collect, contextDir } from "./helpers.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("RUN npm ci in an image with a real npm", () => {
  it("installs the lockfile's tarballs through the build's content cache, and again offline", async () => {
    const pack = tar.pack();
    pack.entry({ name: "package/package.json" }, '{"name":"left","version":"1.0.0"}');
    pack.entry({ name: "package/index.js" }, "module.exports = 'left'\n");
    pack.finalize();
    const tgz = gzipSync(await collect(pack));
    const server = createServer((req, res) => void (req.url === "/left/-/left-1.0.0.tgz" ? res.writeHead(200).end(tgz) : res.writeHead(404).end()));
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/left/-/left-1.0.0.tgz`;
    const integrity = `sha512-${createHash("sha512").update(tgz).digest("base64")}`;
    const content = mkdtempSync(join(tmpdir(), "tsbuild-builder-npm-"));
    dirs.push(content);
    const ctx = contextDir({
      // node is an ELF program and npm its cli script, as Debian installs them; tsbuild runs neither
      node: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]),
      "npm-cli.js": "#!/usr/bin/env node\nrequire('../lib/cli.js')(process)\n",
      "package.json": JSON.stringify({ name: "app", version: "1.0.0", dependencies: { left: "1.0.0" } }),
      "package-lock.json": JSON.stringify({ name: "app", version: "1.0.0", lockfileVersion: 3, requires: true, packages: {
        "": { name: "app", version: "1.0.0", dependencies: { left: "1.0.0" } },
        "node_modules/left": { version: "1.0.0", resolved: url, integrity },
      } }),
      Dockerfile: [
        "FROM busybox:test",
        "COPY node /usr/bin/node",
        "COPY npm-cli.js /usr/share/nodejs/npm/bin/npm-cli.js",
        "RUN chmod 755 /usr/bin/node /usr/share/nodejs/npm/bin/npm-cli.js && ln -s ../share/nodejs/npm/bin/npm-cli.js /usr/bin/npm",
        "WORKDIR /app",
        "COPY package.json package-lock.json ./",
        "RUN npm ci",
        "",
      ].join("\n"),
    });
    try {
      const store = await busyboxStore();
      const r = await buildDir(store, ctx, { contentDir: content });
      expect(r.log).toContain("added 1 package in");
      const layers = await store.getImage(r.imageId)!.layers();
      const entries = await layerEntries(await collect(await layers[layers.length - 1].open()));
      expect(entries.map((e) => e.path)).toContain("app/node_modules/left/index.js");
      // offline, the content cache answers (a new store, so nothing comes from the build cache)
      const again = await buildDir(await busyboxStore(), ctx, { contentDir: content, offline: true });
      expect(again.log).toContain("added 1 package in");
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { openStore, type ImageStore } from "@tsbuild/store";
import { pull, MAX_MANIFEST_BYTES, RegistryError } from "../src/index.js";
import { FakeRegistry, makeImage, sha, tinyTar, type FakeImage } from "./fake-registry.js";
import { tempDir } from "./helpers.js";

let reg: FakeRegistry;
let root: string;
let store: ImageStore;
let img: FakeImage;
let layers: Buffer[];

beforeEach(async () => {
  reg = await new FakeRegistry().start();
  root = tempDir();
  store = openStore(root);
  layers = [await tinyTar({ "etc/a": "first layer\n" }), await tinyTar({ "etc/b": "second layer\n".repeat(2000) })];
  img = makeImage(layers);
  reg.add("t/img", "1", img);
});
afterEach(async () => {
  await reg.stop();
});

/** The store holds nothing: no image, no layer, no leftover in layerdb/tmp, fsck clean. */
async function expectUntouched(): Promise<void> {
  expect(store.listImages()).toEqual([]);
  expect(store.listLayers()).toEqual([]);
  let tmp: string[] = [];
  try {
    tmp = readdirSync(join(root, "image/overlay2/layerdb/tmp"));
  } catch {
    // never created: nothing was staged
  }
  expect(tmp).toEqual([]);
  expect(await store.fsck()).toEqual([]);
}

/** The registry sends the first 100 bytes of `blob` once, then drops the connection; `count` says how often it was asked. */
function dropOnceAfter100Bytes(blob: string): { count: number } {
  const drops = { count: 0 };
  reg.hook = (req, res, url) => {
    if (!url.pathname.endsWith(blob) || drops.count++ > 0) return false;
    res.writeHead(200, { "content-length": reg.blobs.get(blob)!.length });
    res.write(reg.blobs.get(blob)!.subarray(0, 100));
    setImmediate(() => res.socket?.destroy());
    return true;
  };
  return drops;
}

async function expectPullFails(ref: string, message: RegExp, opts = {}): Promise<void> {
  await expect(pull(store, ref, opts)).rejects.toThrow(message);
  await expectUntouched();
}

describe("pull from a hostile or broken registry", () => {
  it("works against the fake registry when it behaves (the baseline the cases below break)", async () => {
    const r = await pull(store, `${reg.host}/t/img:1`);
    expect(r.id).toBe(img.id);
    expect(store.listLayers()).toHaveLength(2);
    expect(await store.fsck()).toEqual([]);
  });

  it("a blob whose bytes do not match its digest", async () => {
    const [, second] = [...img.blobs.keys()];
    const good = reg.blobs.get(second)!;
    const bad = Buffer.from(good);
    bad[bad.length - 5] ^= 0xff;
    reg.blobs.set(second, bad);
    await expectPullFails(`${reg.host}/t/img:1`, new RegExp(`blob ${second}: content hashes to sha256:[a-f0-9]{64}: refusing it`));
  });

  it("a config whose bytes do not match its digest", async () => {
    reg.blobs.set(img.id, Buffer.from(img.config.toString().replace("amd64", "AMD64")));
    await expectPullFails(`${reg.host}/t/img:1`, /content hashes to .*not sha256:/);
  });

  it("a manifest fetched by digest whose bytes are another manifest", async () => {
    const other = makeImage([layers[0]]);
    reg.manifests.set(`t/img:${img.manifestDigest}`, { body: other.manifest, type: "application/vnd.docker.distribution.manifest.v2+json" });
    await expectPullFails(`${reg.host}/t/img@${img.manifestDigest}`, /manifest .* content hashes to .*refusing it/);
  });

  it("a manifest whose Docker-Content-Digest header disagrees with its bytes", async () => {
    reg.hook = (req, res, url) => {
      if (!url.pathname.includes("/manifests/")) return false;
      res.writeHead(200, { "content-type": "application/vnd.docker.distribution.manifest.v2+json", "docker-content-digest": sha("x") });
      res.end(img.manifest);
      return true;
    };
    await expectPullFails(`${reg.host}/t/img:1`, /but the registry says/);
  });

  it("a truncated blob (the server closes before Content-Length bytes)", async () => {
    const [, second] = [...img.blobs.keys()];
    reg.hook = (req, res, url) => {
      if (!url.pathname.endsWith(second)) return false;
      const b = reg.blobs.get(second)!;
      res.writeHead(200, { "content-length": b.length });
      res.write(b.subarray(0, b.length >> 1));
      setImmediate(() => res.socket?.destroy());
      return true;
    };
    await expectPullFails(`${reg.host}/t/img:1`, new RegExp(`blob ${second}: the connection broke after \\d+ of \\d+ bytes`));
  });

  it("a blob shorter than its descriptor with a matching Content-Length", async () => {
    const [, second] = [...img.blobs.keys()];
    reg.blobs.set(second, reg.blobs.get(second)!.subarray(0, 10));
    await expectPullFails(`${reg.host}/t/img:1`, /truncated: got 10 of \d+ bytes/);
  });

  it("a dropped connection is resumed once with a Range request, then the pull succeeds", async () => {
    const [, second] = [...img.blobs.keys()];
    const drops = dropOnceAfter100Bytes(second);
    const r = await pull(store, `${reg.host}/t/img:1`);
    expect(r.id).toBe(img.id);
    expect(drops.count).toBe(2);
    // The retry asked for the rest only.
    expect(reg.requests.filter((q) => q.path.endsWith(second)).map((q) => q.range)).toEqual([undefined, "bytes=100-"]);
    expect(await store.fsck()).toEqual([]);
  });

  it("a registry that answers a resumption with 200 is read again from the start", async () => {
    const [, second] = [...img.blobs.keys()];
    reg.ranges = false;
    const drops = dropOnceAfter100Bytes(second);
    expect((await pull(store, `${reg.host}/t/img:1`)).id).toBe(img.id);
    expect(await store.fsck()).toEqual([]);
  });

  for (const [status, message] of [
    [401, /pull access denied for 127\.0\.0\.1:\d+\/t\/img, repository does not exist or may require 'docker login'/],
    [403, /pull access denied for .*denied: requested access to the resource is denied/],
    [429, /toomanyrequests/],
    [500, /received unexpected HTTP status: 500 Internal Server Error/],
  ] as const) {
    it(`a ${status} on the manifest`, async () => {
      reg.hook = (req, res, url) => {
        if (!url.pathname.includes("/manifests/")) return false;
        res.writeHead(status).end();
        return true;
      };
      await expectPullFails(`${reg.host}/t/img:1`, message);
    });
  }

  it("a 500 on a blob, every time", async () => {
    const [first] = [...img.blobs.keys()];
    reg.hook = (req, res, url) => (url.pathname.endsWith(first) ? (res.writeHead(500).end(), true) : false);
    await expectPullFails(`${reg.host}/t/img:1`, /500 Internal Server Error/);
  });

  it("an unknown tag (404)", async () => {
    await expectPullFails(`${reg.host}/t/img:2`, /manifest for 127\.0\.0\.1:\d+\/t\/img:2 not found: manifest unknown/);
  });

  it("a manifest list without the asked platform", async () => {
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{ mediaType: "application/vnd.docker.distribution.manifest.v2+json", digest: img.manifestDigest, size: img.manifest.length, platform: { os: "linux", architecture: "amd64" } }],
    }));
    reg.addManifest("t/img", "multi", index, "application/vnd.oci.image.index.v1+json");
    await expectPullFails(`${reg.host}/t/img:multi`, /no matching manifest for linux\/arm64 in the manifest list entries/, { platform: "linux/arm64/v8" });
  });

  it("an oversized manifest", async () => {
    reg.addManifest("t/img", "big", Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20), "application/vnd.docker.distribution.manifest.v2+json");
    await expectPullFails(`${reg.host}/t/img:big`, /more than the 4194304 allowed/);
  });

  it("an oversized manifest sent without Content-Length", async () => {
    reg.hook = (req, res, url) => {
      if (!url.pathname.endsWith("/manifests/chunked")) return false;
      res.writeHead(200, { "content-type": "application/vnd.docker.distribution.manifest.v2+json" });
      const piece = Buffer.alloc(1 << 20, 0x20);
      for (let i = 0; i < 5; i++) res.write(piece);
      res.end();
      return true;
    };
    await expectPullFails(`${reg.host}/t/img:chunked`, /more than the 4194304 bytes allowed/);
  });

  it("a second layer that is not a tar: the first layer, already written, is removed again", async () => {
    const junk = gzipSync(Buffer.from("this is not a tar archive, just text\n".repeat(40)));
    const broken = makeImage([layers[0], layers[1]]);
    // Same first layer; the second's blob is junk whose diffID the config claims.
    const cfg = JSON.parse(broken.config.toString());
    cfg.rootfs.diff_ids[1] = sha(Buffer.from("this is not a tar archive, just text\n".repeat(40)));
    const config = Buffer.from(JSON.stringify(cfg));
    const manifest = JSON.parse(broken.manifest.toString());
    manifest.config = { ...manifest.config, digest: sha(config), size: config.length };
    manifest.layers[1] = { ...manifest.layers[1], digest: sha(junk), size: junk.length };
    reg.blobs.set(sha(junk), junk);
    reg.blobs.set(sha(config), config);
    reg.addManifest("t/img", "junk", Buffer.from(JSON.stringify(manifest)), "application/vnd.docker.distribution.manifest.v2+json");
    const err = await pull(store, `${reg.host}/t/img:junk`).catch((e: Error) => e);
    expect(String(err)).toMatch(/tar/i);
    // The first layer was written before the second failed: it went again.
    expect(reg.requests.some((r) => r.path.endsWith(manifest.layers[0].digest))).toBe(true);
    await expectUntouched();
  });

  it("a layer whose content is not the config's diffID", async () => {
    const cfg = JSON.parse(img.config.toString());
    cfg.rootfs.diff_ids[1] = sha("something else");
    const config = Buffer.from(JSON.stringify(cfg));
    const manifest = JSON.parse(img.manifest.toString());
    manifest.config = { ...manifest.config, digest: sha(config), size: config.length };
    reg.blobs.set(sha(config), config);
    reg.addManifest("t/img", "lie", Buffer.from(JSON.stringify(manifest)), "application/vnd.docker.distribution.manifest.v2+json");
    await expectPullFails(`${reg.host}/t/img:lie`, /diffID|hashes to/);
  });

  it("an unreachable registry is a RegistryError naming the URL", async () => {
    const port = reg.port;
    await reg.stop();
    const err = await pull(store, `127.0.0.1:${port}/t/img:1`).catch((e) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.message).toMatch(new RegExp(`Get "http://127\\.0\\.0\\.1:${port}/v2/": .*ECONNREFUSED`));
    reg = await new FakeRegistry().start();
  });
});

describe("parallel downloads", () => {
  it("fetches at most three layer blobs at a time, the rest Waiting, and stores them in order", async () => {
    const many = await Promise.all([1, 2, 3, 4, 5].map((i) => tinyTar({ [`f${i}`]: `layer ${i}\n` })));
    const five = makeImage(many);
    reg.add("t/five", "1", five);
    const blobDigests = JSON.parse(five.manifest.toString()).layers.map((l: { digest: string }) => l.digest);
    let inFlight = 0;
    let peak = 0;
    const held: Array<() => void> = [];
    reg.hook = (req, res, url) => {
      const d = blobDigests.find((x: string) => url.pathname.endsWith(x));
      if (!d) return false;
      inFlight++;
      peak = Math.max(peak, inFlight);
      held.push(() => {
        inFlight--;
        res.writeHead(200, { "content-length": reg.blobs.get(d)!.length }).end(reg.blobs.get(d));
      });
      // Answers are held a moment so that every request the client allows itself is open at once.
      if (held.length === 1) setTimeout(() => held.splice(0).forEach((f) => f()), 100);
      return true;
    };
    let out = "";
    const r = await pull(store, `${reg.host}/t/five:1`, { output: (s) => void (out += s) });
    expect(r.id).toBe(five.id);
    expect(peak).toBe(3);
    const waiting = out.split("\n").filter((l) => l.endsWith(": Waiting"));
    expect(waiting.map((l) => l.slice(0, 12))).toEqual(blobDigests.slice(3).map((d: string) => d.slice(7, 19)));
    const complete = out.split("\n").filter((l) => l.endsWith(": Pull complete")).map((l) => l.slice(0, 12));
    expect(complete).toEqual(blobDigests.map((d: string) => d.slice(7, 19)));
    expect(await store.fsck()).toEqual([]);
  });
});

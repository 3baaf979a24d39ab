import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LocalServer } from "./local-server.js";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import type * as TarStream from "tar-stream";

const tarStream = createRequire(import.meta.url)("tar-stream") as typeof TarStream;

export const sha = (b: Buffer | string) => "sha256:" + createHash("sha256").update(b).digest("hex");

/** A small layer tar with the given files (regular files, mode 0644, fixed mtime). */
export async function tinyTar(files: Record<string, string>): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => pack.on("end", r));
  for (const [name, body] of Object.entries(files)) {
    await new Promise<void>((res, rej) => pack.entry({ name, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, body, (e) => (e ? rej(e) : res())));
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A zstd frame made of raw (stored) blocks: valid zstd that needs no compressor. */
export function zstdRaw(data: Buffer): Buffer {
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58])]; // magic, no FCS/checksum, window 2 MiB
  const MAX = 128 * 1024;
  for (let off = 0; off < data.length || off === 0; off += MAX) {
    const block = data.subarray(off, off + MAX);
    const last = off + MAX >= data.length ? 1 : 0;
    const h = last | (0 << 1) | (block.length << 3);
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), block);
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}

export interface FakeImage {
  config: Buffer;
  manifest: Buffer;
  blobs: Map<string, Buffer>;
  id: string;
  manifestDigest: string;
}

/** An image of `layers` (uncompressed tars), each compressed by `compress` (gzip by default). */
export function makeImage(layers: Buffer[], opts: { compress?: (b: Buffer) => Buffer; layerType?: string; arch?: string } = {}): FakeImage {
  const compress = opts.compress ?? ((b) => gzipSync(b));
  const blobs = new Map<string, Buffer>();
  const descs = layers.map((l) => {
    const c = compress(l);
    blobs.set(sha(c), c);
    return { mediaType: opts.layerType ?? "application/vnd.docker.image.rootfs.diff.tar.gzip", size: c.length, digest: sha(c) };
  });
  const config = Buffer.from(JSON.stringify({
    architecture: opts.arch ?? "amd64", os: "linux", config: { Cmd: ["sh"] }, created: "2024-01-01T00:00:00Z",
    history: layers.map(() => ({ created: "2024-01-01T00:00:00Z", created_by: "test" })),
    rootfs: { type: "layers", diff_ids: layers.map((l) => sha(l)) },
  }));
  blobs.set(sha(config), config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: { mediaType: "application/vnd.docker.container.image.v1+json", size: config.length, digest: sha(config) }, layers: descs,
  }));
  return { config, manifest, blobs, id: sha(config), manifestDigest: sha(manifest) };
}

export type Hook = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

/** A registry in a few lines of node:http, serving manifests and blobs from maps; hooks misbehave on purpose. */
export class FakeRegistry extends LocalServer {
  readonly manifests = new Map<string, { body: Buffer; type: string }>();
  readonly blobs = new Map<string, Buffer>();
  readonly requests: Array<{ method: string; path: string; auth?: string; range?: string }> = [];
  /** Answer `Range: bytes=N-` with 206, as the distribution registry does. */
  ranges = true;
  hook?: Hook;

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  add(repo: string, tag: string, img: FakeImage): void {
    const type = "application/vnd.docker.distribution.manifest.v2+json";
    this.manifests.set(`${repo}:${tag}`, { body: img.manifest, type });
    this.manifests.set(`${repo}:${img.manifestDigest}`, { body: img.manifest, type });
    for (const [d, b] of img.blobs) this.blobs.set(d, b);
  }

  addManifest(repo: string, ref: string, body: Buffer, type: string): void {
    this.manifests.set(`${repo}:${ref}`, { body, type });
    this.manifests.set(`${repo}:${sha(body)}`, { body, type });
  }


  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, `http://${this.host}`);
    this.requests.push({ method: req.method!, path: url.pathname, auth: req.headers.authorization, range: req.headers.range });
    if (this.hook && (await this.hook(req, res, url))) return;
    if (url.pathname === "/v2/") return void res.writeHead(200, { "content-type": "application/json" }).end("{}");
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (m && m[2] === "manifests") {
      const found = this.manifests.get(`${m[1]}:${m[3]}`);
      if (!found) return void res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] }));
      res.writeHead(200, { "content-type": found.type, "content-length": found.body.length, "docker-content-digest": sha(found.body) });
      return void res.end(req.method === "HEAD" ? undefined : found.body);
    }
    if (m && m[2] === "blobs") {
      const b = this.blobs.get(m[3]);
      if (!b) return void res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code: "BLOB_UNKNOWN", message: "blob unknown to registry" }] }));
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
      if (range && this.ranges) {
        const from = Number(range[1]);
        res.writeHead(206, { "content-type": "application/octet-stream", "content-length": b.length - from, "content-range": `bytes ${from}-${b.length - 1}/${b.length}` });
        return void res.end(req.method === "HEAD" ? undefined : b.subarray(from));
      }
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": b.length });
      return void res.end(req.method === "HEAD" ? undefined : b);
    }
    res.writeHead(404).end();
  }
}

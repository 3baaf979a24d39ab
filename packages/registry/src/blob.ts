import { createHash } from "node:crypto";
import { createReadStream, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";
import type { RegistryClient } from "./client.js";
import { DigestMismatchError, RegistryError } from "./errors.js";
import { causeText, httpError, readCapped } from "./http.js";
import { verifyBytes, type Descriptor } from "./manifest.js";

/** Image configs are JSON; a bigger one is refused. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** GET a small blob (the config) and verify it. */
export async function fetchSmallBlob(client: RegistryClient, path: string, desc: Descriptor, display: string): Promise<Buffer> {
  const res = await client.request("GET", `/v2/${path}/blobs/${desc.digest}`, { scopes: [`repository:${path}:pull`] });
  if (res.status !== 200) throw await blobError(res, path, desc, display);
  const bytes = await readCapped(res, MAX_CONFIG_BYTES, `blob ${desc.digest}`);
  verifyBytes(bytes, desc.digest, `blob ${desc.digest} of ${display}`);
  return bytes;
}

async function blobError(res: Response, path: string, desc: Descriptor, display: string): Promise<RegistryError> {
  if (res.status === 404) {
    await res.arrayBuffer().catch(() => undefined);
    return new RegistryError(`blob ${desc.digest} of ${display} not found: blob unknown to registry`, 404, "BLOB_UNKNOWN");
  }
  return httpError(res, path, display);
}

/**
 * Downloads a blob into `file`, hashing as it goes; throws (and removes the file) unless the bytes
 * are exactly the descriptor's size and digest. Foreign layers come from their URLs when listed.
 */
export async function downloadBlob(
  client: RegistryClient, path: string, desc: Descriptor, display: string, file: string, onBytes?: (n: number) => void,
): Promise<void> {
  const sources = desc.urls?.length ? desc.urls.filter((u) => /^https?:\/\//.test(u)) : [];
  let lastError: unknown;
  // Docker retries a failed download; one retry covers a dropped connection without hiding a bad registry.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const res = sources.length
        ? await client.fetchRaw("GET", sources[0], {})
        : await client.request("GET", `/v2/${path}/blobs/${desc.digest}`, { scopes: [`repository:${path}:pull`] });
      if (res.status !== 200) throw await blobError(res, path, desc, display);
      await saveVerified(res, desc, file, onBytes);
      return;
    } catch (e) {
      rmSync(file, { force: true });
      lastError = e;
      const retriable = e instanceof RegistryError && !(e instanceof DigestMismatchError) && (e.status === undefined || e.status >= 500);
      if (!retriable) break;
    }
  }
  throw lastError;
}

async function saveVerified(res: Response, desc: Descriptor, file: string, onBytes?: (n: number) => void): Promise<void> {
  const hash = createHash("sha256");
  const fh = await open(file, "wx", 0o600);
  let n = 0;
  try {
    try {
      for await (const chunk of res.body ?? []) {
        n += chunk.length;
        if (n > desc.size) throw new DigestMismatchError(`blob ${desc.digest}: more than the ${desc.size} bytes its descriptor says: refusing it`);
        hash.update(chunk);
        await fh.write(chunk);
        onBytes?.(n);
      }
    } catch (e) {
      if (e instanceof RegistryError) throw e;
      throw new RegistryError(`blob ${desc.digest}: the connection broke after ${n} of ${desc.size} bytes: ${causeText(e)}`);
    }
  } finally {
    await fh.close();
  }
  if (n !== desc.size) throw new RegistryError(`blob ${desc.digest}: truncated: got ${n} of ${desc.size} bytes`);
  const got = "sha256:" + hash.digest("hex");
  if (got !== desc.digest) throw new DigestMismatchError(`blob ${desc.digest}: content hashes to ${got}: refusing it`);
}

/** The uncompressed tar of a layer blob on disk: gzip, zstd or plain, recognised by magic bytes (DecompressStream). */
export async function* layerTar(file: string): AsyncGenerator<Buffer> {
  const head = await readHead(file, 4);
  const input = createReadStream(file);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    input.on("error", (e) => gunzip.destroy(e));
    input.pipe(gunzip);
    try {
      for await (const c of gunzip) yield c as Buffer;
    } catch (e) {
      throw new RegistryError(`layer ${file}: not a valid gzip stream: ${(e as Error).message}`);
    }
    return;
  }
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) {
    yield* zstdStream(input);
    return;
  }
  for await (const c of input) yield c as Buffer;
}

async function* zstdStream(input: Readable): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  const d = new Decompress((chunk) => void out.push(Buffer.from(chunk)));
  try {
    for await (const c of input) {
      d.push(new Uint8Array(c as Buffer));
      yield* out.splice(0);
    }
    d.push(new Uint8Array(0), true);
  } catch (e) {
    throw new RegistryError(`not a valid zstd stream: ${(e as Error).message}`);
  }
  yield* out.splice(0);
}

async function readHead(file: string, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const c of createReadStream(file, { start: 0, end: n - 1 })) {
    chunks.push(c as Buffer);
    got += (c as Buffer).length;
  }
  return Buffer.concat(chunks, got);
}

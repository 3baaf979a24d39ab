import { createHash, type Hash } from "node:crypto";
import { createReadStream, rmSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { ArchiveFormatError, decompress } from "@tsbuild/archive";
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

/** A download in progress: bytes on disk so far and their running hash. */
interface Partial {
  hash: Hash;
  received: number;
}

/**
 * Downloads a blob into `file`, hashing as it goes; throws (and removes the file) unless the bytes
 * are exactly the descriptor's size and digest. A connection that breaks is resumed once from where
 * it stopped (a `Range` request, as dockerd does; a registry that answers 200 instead is read
 * again from the start). Foreign layers come from their URLs when listed.
 */
export async function downloadBlob(
  client: RegistryClient, path: string, desc: Descriptor, display: string, file: string, onBytes?: (n: number) => void,
): Promise<void> {
  const sources = desc.urls?.length ? desc.urls.filter((u) => /^https?:\/\//.test(u)) : [];
  const state: Partial = { hash: createHash("sha256"), received: 0 };
  const fh = await open(file, "w+", 0o600);
  let lastError: unknown;
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const headers: Record<string, string> = state.received > 0 ? { range: `bytes=${state.received}-` } : {};
        const res = sources.length
          ? await client.fetchRaw("GET", sources[0], { headers })
          : await client.request("GET", `/v2/${path}/blobs/${desc.digest}`, { scopes: [`repository:${path}:pull`], headers });
        if (res.status === 200 && state.received > 0) {
          // No resumption offered: start over.
          state.hash = createHash("sha256");
          state.received = 0;
          await fh.truncate(0);
        } else if (res.status === 206 && !res.headers.get("content-range")?.startsWith(`bytes ${state.received}-`)) {
          await res.body?.cancel().catch(() => undefined);
          throw new RegistryError(`blob ${desc.digest}: the registry resumed at the wrong offset (${res.headers.get("content-range")})`);
        } else if (res.status !== 200 && res.status !== 206) {
          throw await blobError(res, path, desc, display);
        }
        await receive(res, desc, fh, state, onBytes);
        lastError = undefined;
        break;
      } catch (e) {
        lastError = e;
        const retriable = e instanceof RegistryError && !(e instanceof DigestMismatchError) && (e.status === undefined || e.status >= 500);
        if (!retriable) break;
      }
    }
  } finally {
    await fh.close();
  }
  if (lastError !== undefined) {
    rmSync(file, { force: true });
    throw lastError;
  }
  const got = "sha256:" + state.hash.digest("hex");
  if (got !== desc.digest) {
    rmSync(file, { force: true });
    throw new DigestMismatchError(`blob ${desc.digest}: content hashes to ${got}: refusing it`);
  }
}

async function receive(res: Response, desc: Descriptor, fh: FileHandle, state: Partial, onBytes?: (n: number) => void): Promise<void> {
  try {
    for await (const chunk of res.body ?? []) {
      if (state.received + chunk.length > desc.size) {
        throw new DigestMismatchError(`blob ${desc.digest}: more than the ${desc.size} bytes its descriptor says: refusing it`);
      }
      await fh.write(chunk, 0, chunk.length, state.received);
      state.hash.update(chunk);
      state.received += chunk.length;
      onBytes?.(state.received);
    }
  } catch (e) {
    if (e instanceof RegistryError) throw e;
    throw new RegistryError(`blob ${desc.digest}: the connection broke after ${state.received} of ${desc.size} bytes: ${causeText(e)}`);
  }
  if (state.received !== desc.size) throw new RegistryError(`blob ${desc.digest}: truncated: got ${state.received} of ${desc.size} bytes`);
}

/** The uncompressed tar of a layer blob on disk, through @tsbuild/archive's sniff-and-decompress (DecompressStream). */
export async function* layerTar(file: string): AsyncGenerator<Buffer> {
  try {
    yield* decompress(createReadStream(file));
  } catch (e) {
    if (e instanceof ArchiveFormatError) throw new RegistryError(`layer ${file}: ${e.message}`);
    throw e;
  }
}

import { createReadStream } from "node:fs";
import type { RegistryClient } from "./client.js";
import { RegistryError } from "./errors.js";
import { httpError } from "./http.js";

/** Uploads above this size go in PATCH chunks of this size (Docker pushes in one stream; chunks survive proxies' body limits). */
export const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024;

/** HEAD /v2/NAME/blobs/DIGEST: the blob's size when the repository has it. */
export async function blobSize(client: RegistryClient, path: string, digest: string, scopes: string[]): Promise<number | undefined> {
  const res = await client.request("HEAD", `/v2/${path}/blobs/${digest}`, { scopes });
  if (res.status === 200) {
    const n = Number(res.headers.get("content-length"));
    return Number.isFinite(n) ? n : undefined;
  }
  if (res.status === 404) return undefined;
  throw await httpError(res, path, path);
}

/** POST …/uploads/?mount=&from=: true when the registry mounted the blob from the other repository. */
export async function mountBlob(client: RegistryClient, path: string, digest: string, from: string): Promise<boolean> {
  const res = await client.request("POST", `/v2/${path}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`, {
    scopes: [`repository:${path}:pull,push`, `repository:${from}:pull`],
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status === 201) return true;
  if (res.status === 202) {
    // The registry opened an upload instead; close it, a fresh one is started for the real upload.
    const loc = res.headers.get("location");
    if (loc) await client.request("DELETE", absolute(client, loc), { scopes: [`repository:${path}:pull,push`] }).then((r) => r.arrayBuffer()).catch(() => undefined);
  }
  return false;
}

function absolute(client: RegistryClient, loc: string): string {
  return new URL(loc, client.baseURL + "/").toString();
}

/** Uploads a blob from a file (or bytes): monolithic PUT, or PATCH chunks then PUT when bigger than chunkBytes. */
export async function uploadBlob(
  client: RegistryClient, path: string, digest: string, source: { file: string; size: number } | Buffer, chunkBytes = DEFAULT_CHUNK_BYTES,
): Promise<void> {
  const scopes = [`repository:${path}:pull,push`];
  const start = await client.request("POST", `/v2/${path}/blobs/uploads/`, { scopes });
  await start.arrayBuffer().catch(() => undefined);
  if (start.status !== 202) throw await pushError(start, path, `starting the upload of ${digest}`);
  let location = start.headers.get("location");
  if (!location) throw new RegistryError(`${client.host}: the upload of ${digest} got no Location`);
  const size = Buffer.isBuffer(source) ? source.length : source.size;
  const read = async (from: number, to: number): Promise<Buffer> => {
    if (Buffer.isBuffer(source)) return source.subarray(from, to);
    const parts: Buffer[] = [];
    if (to > from) for await (const c of createReadStream(source.file, { start: from, end: to - 1 })) parts.push(c as Buffer);
    return Buffer.concat(parts);
  };
  let offset = 0;
  if (size > chunkBytes) {
    while (offset < size) {
      const end = Math.min(size, offset + chunkBytes);
      const res = await client.request("PATCH", absolute(client, location), {
        scopes,
        headers: { "content-type": "application/octet-stream", "content-range": `${offset}-${end - 1}` },
        body: await read(offset, end),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status !== 202) throw await pushError(res, path, `uploading ${digest} (bytes ${offset}-${end - 1})`);
      location = res.headers.get("location") ?? location;
      offset = end;
    }
  }
  const url = new URL(absolute(client, location));
  url.searchParams.set("digest", digest);
  const res = await client.request("PUT", url.toString(), {
    scopes, headers: { "content-type": "application/octet-stream" }, body: await read(offset, size),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status !== 201) throw await pushError(res, path, `completing the upload of ${digest}`);
}

export async function pushError(res: Response, path: string, what: string): Promise<RegistryError> {
  if (res.status === 401 || res.status === 403) {
    await res.arrayBuffer().catch(() => undefined);
    return new RegistryError(`denied: requested access to the resource is denied (${what} in ${path})`, res.status, "DENIED");
  }
  const e = await httpError(res, path, path);
  return new RegistryError(`${what}: ${e.message}`, e.status, e.code);
}

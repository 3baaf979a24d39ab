import { createHash, createHmac } from "node:crypto";
import { join } from "node:path";
import { hexOf, type Digest } from "@tsbuild/image";
import { DiskBackend } from "../disk/backend.js";
import { atomicWrite, readTextIfExists } from "../disk/fsutil.js";
import { Store } from "../store.js";
import type { ImageStore } from "../types.js";

/** One entry of distribution/v2metadata-by-diffid/sha256/<diffID> (moby distribution/metadata). */
export interface V2Metadata {
  Digest: Digest;
  SourceRepository: string;
  HMAC: string;
}

/** The credentials that key a push's HMAC (moby authConfigKeyInput, same field order). */
export interface HmacAuth {
  username?: string;
  password?: string;
  auth?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** Docker keeps the 50 newest entries per diffID. */
const MAX_METADATA = 50;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/**
 * Where the maps live. On disk: Docker's files. In memory: a map per store, so in-memory
 * pushes still remember what a registry already has.
 */
interface MetadataFiles {
  read(namespace: string, key: Digest): string | undefined;
  write(namespace: string, key: Digest, value: string): Promise<void>;
}

// By backend: a store and the locked view its withLock hands out share one map.
const memoryMaps = new WeakMap<object, Map<string, string>>();

function filesOf(store: ImageStore): MetadataFiles {
  const backend = store instanceof Store ? store.backend : undefined;
  if (backend instanceof DiskBackend) {
    const dir = backend.layout.distribution;
    return {
      read: (ns, key) => readTextIfExists(join(dir, ns, "sha256", hexOf(key))),
      write: (ns, key, value) => atomicWrite(join(dir, ns, "sha256", hexOf(key)), value),
    };
  }
  const key = backend ?? store;
  let map = memoryMaps.get(key);
  if (!map) memoryMaps.set(key, (map = new Map()));
  const m = map;
  return {
    read: (ns, key) => m.get(ns + "/" + key),
    write: async (ns, key, value) => void m.set(ns + "/" + key, value),
  };
}

/** The compressed digests known for a layer, oldest first ([] when none or unreadable). */
export function v2Metadata(store: ImageStore, diffID: Digest): V2Metadata[] {
  const text = filesOf(store).read("v2metadata-by-diffid", diffID);
  if (text === undefined) return [];
  try {
    const v = JSON.parse(text) as unknown;
    if (!Array.isArray(v)) return [];
    return v.filter((m): m is V2Metadata =>
      typeof m === "object" && m !== null && typeof m.Digest === "string" && DIGEST_RE.test(m.Digest) &&
      typeof m.SourceRepository === "string" && typeof m.HMAC === "string");
  } catch {
    return []; // a damaged map only costs a re-upload, as in Docker
  }
}

/** The diffID a compressed blob digest was recorded for. */
export function diffIDByDigest(store: ImageStore, digest: Digest): Digest | undefined {
  const text = filesOf(store).read("diffid-by-digest", digest)?.trim();
  return text && DIGEST_RE.test(text) ? text : undefined;
}

/**
 * moby V2MetadataService.Add: an identical entry moves to the end, the list keeps the newest 50,
 * then diffid-by-digest maps the blob back to the layer. Takes the store's writer lock.
 */
export function addV2Metadata(store: ImageStore, diffID: Digest, meta: V2Metadata): Promise<void> {
  return store.withLock(async () => {
    const files = filesOf(store);
    let list = v2Metadata(store, diffID).filter(
      (m) => !(m.Digest === meta.Digest && m.SourceRepository === meta.SourceRepository && m.HMAC === meta.HMAC),
    );
    list.push({ Digest: meta.Digest, SourceRepository: meta.SourceRepository, HMAC: meta.HMAC });
    if (list.length > MAX_METADATA) list = list.slice(list.length - MAX_METADATA);
    await files.write("v2metadata-by-diffid", diffID, JSON.stringify(list));
    await files.write("diffid-by-digest", meta.Digest, diffID);
  });
}

/** moby ComputeV2MetadataHMACKey: the digest string of the credentials' JSON (omitempty fields). */
export function v2MetadataHMACKey(auth: HmacAuth): string {
  const key: Record<string, string> = {};
  for (const f of ["username", "password", "auth", "identitytoken", "registrytoken"] as const) {
    if (auth[f]) key[f] = auth[f]!;
  }
  return "sha256:" + createHash("sha256").update(JSON.stringify(key)).digest("hex");
}

/** moby ComputeV2MetadataHMAC: HMAC-SHA256 of digest + repository, keyed by the credentials. */
export function v2MetadataHMAC(key: string, digest: Digest, sourceRepository: string): string {
  return createHmac("sha256", key).update(digest).update(sourceRepository).digest("hex");
}

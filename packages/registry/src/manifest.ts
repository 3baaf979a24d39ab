import { createHash } from "node:crypto";
import type { RegistryClient } from "./client.js";
import { DigestMismatchError, RegistryError } from "./errors.js";
import { httpError, readCapped } from "./http.js";

export const MEDIA = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  dockerLayer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  dockerForeignLayer: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
} as const;

const INDEX_TYPES = new Set<string>([MEDIA.dockerList, MEDIA.ociIndex]);
const MANIFEST_TYPES = new Set<string>([MEDIA.dockerManifest, MEDIA.ociManifest]);
/** Layer media types an image may carry (tar, gzip, zstd; distributable or not). */
const LAYER_TYPES = new Set<string>([
  MEDIA.dockerLayer, MEDIA.dockerForeignLayer, "application/vnd.docker.image.rootfs.diff.tar",
  "application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.image.layer.v1.tar+zstd",
  "application/vnd.oci.image.layer.nondistributable.v1.tar", "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
]);
const ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(", ");
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/** A manifest is small; anything past this is refused before it is read whole (containerd's limit). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

/** `linux/amd64`, `linux/arm64/v8`, `amd64` (os defaults to linux). */
export function parsePlatform(s: string): Platform {
  const parts = s.toLowerCase().split("/");
  if (parts.length === 1 && parts[0]) return { os: "linux", architecture: normArch(parts[0]).architecture, variant: normArch(parts[0]).variant };
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) throw new Error(`invalid platform "${s}": use os/arch[/variant], e.g. linux/amd64`);
  const a = normArch(parts[1], parts[2]);
  return { os: parts[0], architecture: a.architecture, variant: a.variant };
}

/** containerd's platforms.Normalize for the common names. */
function normArch(arch: string, variant?: string): { architecture: string; variant?: string } {
  if (arch === "x86_64" || arch === "x86-64") return { architecture: "amd64" };
  if (arch === "aarch64" || (arch === "arm64" && (variant === "v8" || variant === undefined))) return { architecture: "arm64" };
  if (arch === "armhf") return { architecture: "arm", variant: "v7" };
  if (arch === "armel") return { architecture: "arm", variant: "v6" };
  return { architecture: arch, variant };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

function platformMatches(want: Platform, got: Platform | undefined): boolean {
  if (!got) return false;
  const g = normArch(got.architecture, got.variant);
  if (got.os !== want.os || g.architecture !== want.architecture) return false;
  return !want.variant || g.variant === want.variant || (want.architecture === "arm" && !g.variant && want.variant === "v7");
}

/** Throws unless the bytes hash to the digest. */
export function verifyBytes(bytes: Buffer, digest: string, what: string): void {
  if (!DIGEST_RE.test(digest)) throw new RegistryError(`${what}: unsupported or malformed digest ${JSON.stringify(digest)}`);
  const got = "sha256:" + createHash("sha256").update(bytes).digest("hex");
  if (got !== digest) throw new DigestMismatchError(`${what}: content hashes to ${got}, not ${digest}: refusing it`);
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

/** GET /v2/NAME/manifests/REF, read within the size cap and verified against its digest. */
export async function fetchManifest(client: RegistryClient, path: string, reference: string, display: string): Promise<FetchedManifest> {
  const res = await client.request("GET", `/v2/${path}/manifests/${reference}`, {
    scopes: [`repository:${path}:pull`], headers: { accept: ACCEPT },
  });
  if (res.status === 404) {
    await res.arrayBuffer().catch(() => undefined);
    throw new RegistryError(`manifest for ${display} not found: manifest unknown: manifest unknown`, 404, "MANIFEST_UNKNOWN");
  }
  if (res.status !== 200) throw await httpError(res, path, display);
  const bytes = await readCapped(res, MAX_MANIFEST_BYTES, `manifest for ${display}`);
  const computed = "sha256:" + createHash("sha256").update(bytes).digest("hex");
  if (DIGEST_RE.test(reference)) verifyBytes(bytes, reference, `manifest ${display}`);
  const header = res.headers.get("docker-content-digest");
  if (header && header !== computed && DIGEST_RE.test(header)) {
    throw new DigestMismatchError(`manifest for ${display}: content hashes to ${computed}, but the registry says ${header}: refusing it`);
  }
  let mediaType = (res.headers.get("content-type") ?? "").split(";")[0].trim();
  let parsed: { mediaType?: string };
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new RegistryError(`manifest for ${display} is not JSON: ${(e as Error).message}`);
  }
  if (typeof parsed.mediaType === "string") mediaType = parsed.mediaType;
  return { bytes, mediaType, digest: computed };
}

/** What a reference resolves to: the digest Docker records (the list's, for a multi-platform tag) and the image manifest. */
export interface ResolvedManifest {
  digest: string;
  manifest: ImageManifest;
  manifestDigest: string;
  platform?: Platform;
}

export async function resolveManifest(client: RegistryClient, path: string, reference: string, display: string, platform: Platform): Promise<ResolvedManifest> {
  const top = await fetchManifest(client, path, reference, display);
  if (INDEX_TYPES.has(top.mediaType)) {
    const index = JSON.parse(top.bytes.toString("utf8")) as { manifests?: Descriptor[] };
    if (!Array.isArray(index.manifests)) throw new RegistryError(`manifest list ${display} has no manifests`);
    const pick = index.manifests.find((d) => MANIFEST_TYPES.has(d.mediaType) && platformMatches(platform, d.platform));
    if (!pick) throw new RegistryError(`no matching manifest for ${formatPlatform(platform)} in the manifest list entries`, undefined, "NO_PLATFORM");
    const child = await fetchManifest(client, path, pick.digest, `${display} (${formatPlatform(platform)})`);
    if (!MANIFEST_TYPES.has(child.mediaType)) throw new RegistryError(`manifest ${pick.digest} in the list of ${display} is ${child.mediaType}, not an image manifest`);
    return { digest: top.digest, manifest: checkImageManifest(child.bytes, display), manifestDigest: child.digest, platform };
  }
  if (!MANIFEST_TYPES.has(top.mediaType)) {
    throw new RegistryError(`manifest for ${display} has unsupported media type ${JSON.stringify(top.mediaType)} (schema 1 manifests are not supported)`);
  }
  return { digest: top.digest, manifest: checkImageManifest(top.bytes, display), manifestDigest: top.digest };
}

function checkImageManifest(bytes: Buffer, display: string): ImageManifest {
  const m = JSON.parse(bytes.toString("utf8")) as ImageManifest;
  const bad = (why: string) => new RegistryError(`manifest for ${display}: ${why}`);
  if (m.schemaVersion !== 2) throw bad(`schemaVersion ${m.schemaVersion} is not 2`);
  if (!m.config || typeof m.config.digest !== "string" || !DIGEST_RE.test(m.config.digest)) throw bad("no valid config descriptor");
  if (!Array.isArray(m.layers)) throw bad("no layers");
  for (const l of m.layers) {
    if (typeof l.digest !== "string" || !DIGEST_RE.test(l.digest)) throw bad(`layer digest ${JSON.stringify(l.digest)} is malformed`);
    if (!LAYER_TYPES.has(l.mediaType)) throw bad(`layer ${l.digest} has unsupported media type ${JSON.stringify(l.mediaType)}`);
    if (typeof l.size !== "number" || l.size < 0) throw bad(`layer ${l.digest} has no size`);
  }
  return m;
}

export function isForeign(d: Descriptor): boolean {
  return d.mediaType === MEDIA.dockerForeignLayer || d.mediaType.includes(".nondistributable.");
}

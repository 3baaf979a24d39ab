import { createHash } from "node:crypto";
import { hexOf, type Digest } from "@tsbuild/image";
import { parseNamed, type NamedRef } from "../reference.js";
import { validateConfig } from "../store.js";
import type { PlannedImage } from "./plan.js";
import { BadArchiveError, type UnpackedArchive } from "./unpack.js";

interface Descriptor {
  mediaType?: string;
  digest?: string;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string };
}

const INDEX_TYPES = new Set([
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);
const MANIFEST_TYPES = new Set([
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
]);
const LAYER_TYPES = new Set([
  "application/vnd.oci.image.layer.v1.tar",
  "application/vnd.oci.image.layer.v1.tar+gzip",
  "application/vnd.oci.image.layer.nondistributable.v1.tar",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  "application/vnd.docker.image.rootfs.diff.tar",
  "application/vnd.docker.image.rootfs.diff.tar.gzip",
  "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
]);
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/** The images of an OCI image layout archive (oci-layout + index.json + blobs/). */
export function planOciArchive(archive: UnpackedArchive): PlannedImage[] {
  const index = readJSON(archive, "index.json") as { manifests?: Descriptor[] } | null;
  if (typeof index !== "object" || index === null || !Array.isArray(index.manifests)) throw new BadArchiveError("index.json has no manifests");
  const out: PlannedImage[] = [];
  for (const desc of index.manifests) {
    const tags = refFromAnnotations(desc.annotations);
    for (const manifestDesc of manifestsOf(archive, desc)) {
      out.push(planManifest(archive, manifestDesc, tags));
    }
  }
  return out;
}

function blobMember(digest: string | undefined): string {
  if (!digest || !DIGEST_RE.test(digest)) throw new BadArchiveError(`descriptor has a malformed digest ${JSON.stringify(digest)}`);
  return `blobs/sha256/${hexOf(digest)}`;
}

/** A small JSON blob, verified against its digest. */
function readBlobJSON(archive: UnpackedArchive, digest: string | undefined): unknown {
  const member = blobMember(digest);
  const data = archive.read(member);
  const actual = "sha256:" + createHash("sha256").update(data).digest("hex");
  if (actual !== digest) throw new BadArchiveError(`blob ${member} hashes to ${actual}, not its digest`);
  try {
    return JSON.parse(data.toString("utf8"));
  } catch (e) {
    throw new BadArchiveError(`blob ${member}: ${(e as Error).message}`);
  }
}

function readJSON(archive: UnpackedArchive, member: string): unknown {
  try {
    return JSON.parse(archive.read(member).toString("utf8"));
  } catch (e) {
    throw new BadArchiveError(`${member}: ${(e as Error).message}`);
  }
}

const MAX_INDEX_DEPTH = 32;

/** An index descriptor down to the image manifests to load: linux/amd64 from a multi-platform index. */
function manifestsOf(archive: UnpackedArchive, desc: Descriptor, depth = 0): Descriptor[] {
  if (typeof desc !== "object" || desc === null) throw new BadArchiveError(`index entry ${JSON.stringify(desc)} is not a descriptor`);
  // Indexes nest in practice one level (a multi-platform index); a deep chain is hostile and
  // would exhaust the stack.
  if (depth > MAX_INDEX_DEPTH) throw new BadArchiveError(`indexes nested more than ${MAX_INDEX_DEPTH} deep`);
  if (desc.mediaType && MANIFEST_TYPES.has(desc.mediaType)) return [desc];
  if (!desc.mediaType || !INDEX_TYPES.has(desc.mediaType)) {
    throw new BadArchiveError(`unsupported media type ${JSON.stringify(desc.mediaType)} in the index`);
  }
  const nested = readBlobJSON(archive, desc.digest) as { manifests?: Descriptor[] } | null;
  if (typeof nested !== "object" || nested === null || (nested.manifests !== undefined && !Array.isArray(nested.manifests))) {
    throw new BadArchiveError(`index ${desc.digest} is not an image index`);
  }
  const all = (nested.manifests ?? []).flatMap((d) => manifestsOf(archive, d, depth + 1));
  if (all.length <= 1) return all;
  const native = all.filter((d) => d.platform?.os === "linux" && d.platform?.architecture === "amd64");
  if (native.length === 0) throw new BadArchiveError("the index has no linux/amd64 image");
  return native.slice(0, 1);
}

function planManifest(archive: UnpackedArchive, desc: Descriptor, tags: NamedRef[]): PlannedImage {
  const manifest = readBlobJSON(archive, desc.digest) as { config?: Descriptor; layers?: Descriptor[] } | null;
  if (typeof manifest !== "object" || manifest === null || typeof manifest.config !== "object" || manifest.config === null || !Array.isArray(manifest.layers)) throw new BadArchiveError(`manifest ${desc.digest} lacks config or layers`);
  const configMember = blobMember(manifest.config.digest);
  const config = archive.read(configMember);
  const actual = "sha256:" + createHash("sha256").update(config).digest("hex");
  if (actual !== manifest.config.digest) throw new BadArchiveError(`blob ${configMember} hashes to ${actual}, not its digest`);
  let diffIDs: Digest[];
  try {
    diffIDs = validateConfig(config);
  } catch (e) {
    throw new BadArchiveError(`config ${manifest.config.digest}: ${(e as Error).message}`);
  }
  if (diffIDs.length !== manifest.layers.length) {
    throw new BadArchiveError(`manifest ${desc.digest} has ${manifest.layers.length} layers, its config ${diffIDs.length}`);
  }
  const layers = manifest.layers.map((l, i) => {
    if (!l.mediaType || !LAYER_TYPES.has(l.mediaType)) {
      throw new BadArchiveError(`layer ${l.digest} has unsupported media type ${JSON.stringify(l.mediaType)}`);
    }
    const member = blobMember(l.digest);
    if (!archive.has(member)) throw new BadArchiveError(`the archive lacks layer blob ${member}`);
    // Uncompressed blobs are their own diffID; a compressed one's digest is worth recording.
    const compressed = l.digest !== diffIDs[i] ? { compressedDigest: l.digest as Digest } : {};
    return { member, diffID: diffIDs[i], ...compressed };
  });
  return { config, layers, tags };
}

/** The image name an index gives a manifest: containerd's full name, else a full ref.name. */
function refFromAnnotations(a: Record<string, string> | undefined): NamedRef[] {
  const candidates = [a?.["io.containerd.image.name"], a?.["org.opencontainers.image.ref.name"]];
  for (const c of candidates) {
    if (!c || !/[:/]/.test(c)) continue;
    try {
      const r = parseNamed(c);
      if (r.tag !== undefined && r.digest === undefined) return [r];
    } catch {
      // a bare tag or an unparsable name: the image loads untagged
    }
  }
  return [];
}

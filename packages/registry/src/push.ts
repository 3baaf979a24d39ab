import { createHash } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGzip } from "node:zlib";
import { shortId, type Digest, type Image, type Layer } from "@tsbuild/image";
import { addV2Metadata, v2Metadata, v2MetadataHMAC, v2MetadataHMACKey, type ImageStore } from "@tsbuild/store";
import { goIndentJSON } from "@tsbuild/dockerfmt";
import { RegistryClient, type ClientOptions } from "./client.js";
import { RegistryError } from "./errors.js";
import { MEDIA } from "./manifest.js";
import { fullName, repositoryRef, type RepositoryRef } from "./names.js";
import { blobSize, mountBlob, pushError, uploadBlob } from "./upload.js";

export interface PushOptions extends ClientOptions {
  /** Docker's push lines, each ending in "\n". */
  output?: (line: string) => void;
  /** Where compressed digests are remembered (distribution/): a second push then finds them in the registry. */
  store?: ImageStore;
  chunkBytes?: number;
  /** Parallel layer uploads (Docker's max-concurrent-uploads, 5). */
  concurrency?: number;
}

export interface PushResult {
  digest: string;
  size: number;
  tag: string;
}

interface PushedLayer {
  digest: Digest;
  size: number;
}

/** The digest and size of a layer gzipped into `file` (Docker's compression: gzip, default level). */
async function compressLayer(layer: Layer, file: string): Promise<PushedLayer> {
  const gz = createGzip();
  const out = createWriteStream(file, { flags: "wx", mode: 0o600 });
  const hash = createHash("sha256");
  let size = 0;
  const src = await layer.open();
  src.on("error", (e) => gz.destroy(e));
  src.pipe(gz);
  for await (const c of gz) {
    hash.update(c as Buffer);
    size += (c as Buffer).length;
    if (!out.write(c)) await once(out, "drain");
  }
  out.end();
  await once(out, "close");
  return { digest: "sha256:" + hash.digest("hex"), size };
}

/**
 * `docker push`: each layer is found in the registry (HEAD) by the compressed digests remembered
 * in distribution/, mounted from another repository of the same registry, or gzipped and uploaded;
 * then the config and a schema2 manifest (Go's indented JSON, as dockerd writes it), so that
 * docker and skopeo pull the same image ID back.
 */
export async function push(image: Image, ref: string | RepositoryRef, opts: PushOptions = {}): Promise<PushResult> {
  const r = typeof ref === "string" ? repositoryRef(ref) : ref;
  if (r.digest !== undefined) throw new RegistryError(`cannot push a digest reference (${r.familiar}@${r.digest})`);
  const tag = r.tag ?? "latest";
  const out = opts.output ?? (() => {});
  const client = new RegistryClient(r.domain, opts);
  const scopes = [`repository:${r.path}:pull,push`];
  const target = fullName(r);
  out(`The push refers to repository [${target}]\n`);
  await client.ping();
  const creds = await client.creds();
  const hmacKey = v2MetadataHMACKey({ username: creds?.username, password: creds?.password, identitytoken: creds?.identityToken });
  const layers = await image.layers();
  const diffIDs = await Promise.all(layers.map((l) => l.diffID()));
  const order = layers.map((_, i) => i).reverse(); // Docker lists the top layer first
  for (const i of order) out(`${shortId(diffIDs[i])}: Preparing\n`);
  const dir = mkdtempSync(join(tmpdir(), "tsbuild-push-"));
  const pushed: PushedLayer[] = new Array(layers.length);
  try {
    let next = 0;
    let failed: unknown;
    const worker = async () => {
      while (next < order.length && failed === undefined) {
        const i = order[next++];
        try {
          pushed[i] = await pushLayer(i);
        } catch (e) {
          failed ??= e;
        }
      }
    };
    const pushLayer = async (i: number): Promise<PushedLayer> => {
      const short = shortId(diffIDs[i]);
      const remember = async (d: PushedLayer) => {
        if (opts.store) {
          await addV2Metadata(opts.store, diffIDs[i], { Digest: d.digest, SourceRepository: target, HMAC: v2MetadataHMAC(hmacKey, d.digest, target) });
        }
        return d;
      };
      const known = opts.store ? v2Metadata(opts.store, diffIDs[i]).reverse() : [];
      for (const m of known.filter((k) => k.SourceRepository === target)) {
        const size = await blobSize(client, r.path, m.Digest, scopes);
        if (size !== undefined) {
          out(`${short}: Layer already exists\n`);
          return remember({ digest: m.Digest, size });
        }
      }
      for (const m of known.filter((k) => k.SourceRepository !== target && k.SourceRepository.startsWith(r.domain + "/"))) {
        const from = m.SourceRepository.slice(r.domain.length + 1);
        if (await mountBlob(client, r.path, m.Digest, from)) {
          const size = await blobSize(client, r.path, m.Digest, scopes);
          if (size === undefined) continue;
          out(`${short}: Mounted from ${from}\n`);
          return remember({ digest: m.Digest, size });
        }
      }
      const file = join(dir, `layer-${i}`);
      const c = await compressLayer(layers[i], file);
      if ((await blobSize(client, r.path, c.digest, scopes)) !== undefined) {
        out(`${short}: Layer already exists\n`);
        return remember(c);
      }
      await uploadBlob(client, r.path, c.digest, { file, size: c.size }, opts.chunkBytes);
      rmSync(file, { force: true });
      out(`${short}: Pushed\n`);
      return remember(c);
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 5, order.length) }, worker));
    if (failed !== undefined) throw failed;

    const config = await image.rawConfig();
    const configDigest = await image.id();
    if ((await blobSize(client, r.path, configDigest, scopes)) === undefined) {
      await uploadBlob(client, r.path, configDigest, config, opts.chunkBytes);
    }
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA.dockerManifest,
      config: { mediaType: MEDIA.dockerConfig, size: config.length, digest: configDigest },
      layers: pushed.map((p) => ({ mediaType: MEDIA.dockerLayer, size: p.size, digest: p.digest })),
    };
    // dockerd marshals the manifest with three-space indentation; the bytes are what is hashed.
    const bytes = Buffer.from(goIndentJSON(manifest).replace(/^( {4})+/gm, (s) => " ".repeat((s.length / 4) * 3)));
    const res = await client.request("PUT", `/v2/${r.path}/manifests/${tag}`, {
      scopes, headers: { "content-type": MEDIA.dockerManifest }, body: bytes,
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status !== 201) throw await pushError(res, r.path, `putting the manifest of ${r.familiar}:${tag}`);
    const digest = "sha256:" + createHash("sha256").update(bytes).digest("hex");
    out(`${tag}: digest: ${digest} size: ${bytes.length}\n`);
    return { digest, size: bytes.length, tag };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

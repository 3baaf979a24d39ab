import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";

/** A tar of named files, built with tar-stream. */
export async function tarOf(files: Array<{ name: string; data?: Buffer | string; type?: "symlink"; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on("end", () => r()));
  for (const f of files) {
    if (f.type === "symlink") pack.entry({ name: f.name, type: "symlink", linkname: f.linkname });
    else pack.entry({ name: f.name }, typeof f.data === "string" ? Buffer.from(f.data) : f.data ?? Buffer.alloc(0));
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => "sha256:" + createHash("sha256").update(b).digest("hex");

/** An OCI image layout archive of one image with gzip'd layers, named by `name` if given. */
export async function ociArchive(layers: Buffer[], opts: { name?: string; corruptBlob?: boolean } = {}) {
  const blobs: Array<{ name: string; data: Buffer }> = [];
  const blob = (data: Buffer) => {
    blobs.push({ name: `blobs/sha256/${sha(data).slice(7)}`, data });
    return sha(data);
  };
  const gz = layers.map((l) => gzipSync(l));
  const config = Buffer.from(JSON.stringify({
    architecture: "amd64", os: "linux", created: "2024-05-06T07:08:09Z", config: { Cmd: ["sh"] },
    history: layers.map(() => ({ created: "2024-05-06T07:08:09Z", created_by: "oci" })),
    rootfs: { type: "layers", diff_ids: layers.map(sha) },
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: blob(config), size: config.length },
    layers: gz.map((g) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: blob(g), size: g.length })),
  }));
  const manifestDigest = blob(manifest);
  if (opts.corruptBlob) blobs[0].data = Buffer.concat([blobs[0].data, Buffer.from(" ")]);
  const index = {
    schemaVersion: 2,
    manifests: [{
      mediaType: "application/vnd.oci.image.manifest.v1+json", digest: manifestDigest, size: manifest.length,
      ...(opts.name ? { annotations: { "io.containerd.image.name": opts.name, "org.opencontainers.image.ref.name": "latest" } } : {}),
    }],
  };
  const archive = await tarOf([
    { name: "oci-layout", data: '{"imageLayoutVersion":"1.0.0"}' },
    { name: "index.json", data: JSON.stringify(index) },
    ...blobs,
  ]);
  return { archive, configDigest: sha(config), gz: gz.map(sha), diffIDs: layers.map(sha) };
}

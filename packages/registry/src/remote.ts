import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { readTar } from "@tsbuild/archive";
import { hexOf, lazy, sha256Digest, type Digest, type Image, type ImageConfigFile, type Layer } from "@tsbuild/image";
import { downloadBlob, fetchSmallBlob, layerTar } from "./blob.js";
import type { RegistryClient } from "./client.js";
import { RegistryError } from "./errors.js";
import type { Descriptor, ResolvedManifest } from "./manifest.js";

/** A layer of a registry image: the blob is downloaded (and verified) once, on first use. */
export class RemoteLayer implements Layer {
  /** The verified blob on disk. */
  readonly blob: () => Promise<string>;

  constructor(
    private readonly client: RegistryClient,
    private readonly path: string,
    private readonly display: string,
    readonly descriptor: Descriptor,
    private readonly diff: Digest,
    private readonly dir: string,
    onBytes?: (layer: RemoteLayer, received: number) => void,
  ) {
    this.blob = lazy(async () => {
      const file = join(this.dir, hexOf(descriptor.digest));
      await downloadBlob(client, path, descriptor, display, file, onBytes && ((n) => onBytes(this, n)));
      return file;
    });
  }

  async diffID(): Promise<Digest> {
    return this.diff;
  }

  /** The uncompressed tar; it errors at its end unless it hashes to the config's diffID. */
  async open(): Promise<Readable> {
    const file = await this.blob();
    return Readable.from(verifiedTar(layerTar(file), this.diff, this.descriptor.digest));
  }

  /** Docker's layer size: regular file bytes plus symlink target lengths; hard links add nothing. */
  readonly size = lazy(async () => {
    let size = 0;
    await readTar(await this.open(), (e) => {
      if (e.typeflag === "0" || e.typeflag === "7") size += e.size;
      else if (e.typeflag === "2") size += Buffer.byteLength(e.linkname);
    });
    return size;
  });
}

async function* verifiedTar(src: AsyncIterable<Buffer>, diffID: Digest, blob: Digest): AsyncGenerator<Buffer> {
  const h = createHash("sha256");
  for await (const c of src) {
    h.update(c);
    yield c;
  }
  const got = "sha256:" + h.digest("hex");
  if (got !== diffID) throw new RegistryError(`layer ${blob}: uncompressed it hashes to ${got}, not the config's diffID ${diffID}`);
}

/**
 * An image in a registry, as go-containerregistry's remote.Image: the manifest is resolved
 * already; config and layer blobs are fetched lazily, once, verified against their digests.
 * Blobs sit in a private temp dir until `dispose()`.
 */
export class RemoteImage implements Image {
  readonly dir = mkdtempSync(join(tmpdir(), "tsbuild-pull-"));
  /** Told how many bytes of a layer blob have arrived (progress bars). */
  onBytes?: (layer: RemoteLayer, received: number) => void;

  constructor(
    readonly client: RegistryClient,
    readonly path: string,
    readonly display: string,
    readonly resolved: ResolvedManifest,
  ) {}

  readonly rawConfig = lazy(() => fetchSmallBlob(this.client, this.path, this.resolved.manifest.config, this.display));

  readonly id = lazy(async () => sha256Digest(await this.rawConfig()));

  readonly config = lazy(async () => {
    try {
      return JSON.parse((await this.rawConfig()).toString("utf8")) as ImageConfigFile;
    } catch (e) {
      throw new RegistryError(`config ${this.resolved.manifest.config.digest} of ${this.display} is not JSON: ${(e as Error).message}`);
    }
  });

  readonly layers = lazy(async (): Promise<RemoteLayer[]> => {
    const cfg = await this.config();
    const diffIDs = cfg.rootfs?.diff_ids ?? [];
    const descs = this.resolved.manifest.layers;
    if (diffIDs.length !== descs.length) {
      throw new RegistryError(`manifest for ${this.display} lists ${descs.length} layers, its config ${diffIDs.length} diffIDs`);
    }
    return descs.map((d, i) => new RemoteLayer(this.client, this.path, this.display, d, diffIDs[i], this.dir, (l, n) => this.onBytes?.(l, n)));
  });

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

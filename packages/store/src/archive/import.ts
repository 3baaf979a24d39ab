import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import {
  emptyContainerConfig, imageFrom, layerFrom, serializeConfig, type ContainerConfig, type Digest, type Layer,
} from "@tsbuild/image";
import { chunksOf, quietUntilRead } from "../layer/ingest.js";
import { InvalidReferenceError, familiarString, parseNamed, withDefaultTag, type NamedRef } from "../reference.js";
import { goTime } from "@tsbuild/dockerfmt";
import type { ImageStore } from "../types.js";
import { DOCKER_VERSION } from "../version.js";
import { decompressed } from "./decompress.js";

export { DOCKER_VERSION };

export interface ImportOptions {
  /** REPOSITORY[:TAG] to tag the image with. */
  ref?: string;
  /** `docker import -m`: the image and history comment; default "Imported from <source>". */
  comment?: string;
  /** "-" for a file or stdin (the docker CLI sends both as "-"), else the URL imported from. */
  source?: string;
  /** Config set by `--change` instructions, applied over Docker's empty config. */
  changes?: Partial<ContainerConfig>;
  created?: Date;
  architecture?: string;
  os?: string;
}

/**
 * `docker import`: one layer whose diffID is the sha256 of the tar as given (inflated first
 * when gzip'd, as Docker does), and the config the 20.10 daemon writes for it. The image goes
 * into the store through writeImage, like a loaded or pulled one: the config names the layer's
 * diffID, so a stream (read once) is first spooled to a temp file while it is hashed.
 */
export async function importTar(
  store: ImageStore,
  tar: Buffer | NodeJS.ReadableStream,
  opts: ImportOptions = {},
): Promise<Digest> {
  let ref: NamedRef | undefined;
  if (opts.ref) {
    ref = parseNamed(opts.ref);
    if (ref.digest !== undefined) throw new InvalidReferenceError("cannot import digest reference");
    ref = withDefaultTag(ref);
  }
  const comment = opts.comment || `Imported from ${opts.source ?? "-"}`;
  quietUntilRead(tar);
  const spool = Buffer.isBuffer(tar) ? undefined : await spooled(tar);
  try {
    const layer = spool?.layer ?? layerFrom({ open: () => decompressed(chunksOf(tar)) });
    const image = imageFrom({
      layers: () => [layer],
      rawConfig: async () => {
        const created = goTime(opts.created ?? new Date());
        return serializeConfig({
          architecture: opts.architecture ?? "amd64",
          comment,
          config: { ...emptyContainerConfig(), ...opts.changes },
          container_config: emptyContainerConfig(),
          created,
          docker_version: DOCKER_VERSION,
          history: [{ created, comment }],
          os: opts.os ?? "linux",
          rootfs: { type: "layers", diff_ids: [await layer.diffID()] },
        });
      },
    });
    return await store.writeImage(image, ref ? [familiarString(ref)] : []);
  } finally {
    if (spool) await rm(spool.dir, { recursive: true, force: true });
  }
}

/** The inflated tar in a temp file, hashed on the way: a Layer that knows its diffID. */
async function spooled(tar: NodeJS.ReadableStream): Promise<{ dir: string; layer: Layer }> {
  const dir = await mkdtemp(join(tmpdir(), "tsbuild-import-"));
  try {
    const file = join(dir, "layer.tar");
    const hash = createHash("sha256");
    await pipeline(decompressed(chunksOf(tar)), async function* (chunks: AsyncIterable<Buffer>) {
      for await (const c of chunks) {
        hash.update(c);
        yield c;
      }
    }, createWriteStream(file));
    const diffID: Digest = `sha256:${hash.digest("hex")}`;
    return { dir, layer: layerFrom({ open: () => createReadStream(file), diffID: () => diffID }) };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

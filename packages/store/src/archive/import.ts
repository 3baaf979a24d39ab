import {
  emptyContainerConfig, serializeConfig, type ContainerConfig, type Digest,
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
 * when gzip'd, as Docker does), and the config the 20.10 daemon writes for it.
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
  return store.withLock(async () => {
    const layer = await store.putLayer(decompressed(chunksOf(tar)), null);
    const created = goTime(opts.created ?? new Date());
    const config = serializeConfig({
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
    const id = await store.putImage(config);
    if (ref) await store.tag(familiarString(ref), id);
    return id;
  });
}

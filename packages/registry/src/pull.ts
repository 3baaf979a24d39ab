import { chainIDs, shortId, type Digest } from "@tsbuild/image";
import { type ImageStore, writePulledImage } from "@tsbuild/store";
import { RegistryClient, type ClientOptions } from "./client.js";
import { parsePlatform, resolveManifest, type Platform } from "./manifest.js";
import { daemonConfig } from "./daemon-config.js";
import { DOCKER_HUB_DOMAIN, fullName, repositoryRef, type RepositoryRef } from "./names.js";
import { RemoteImage, type RemoteLayer } from "./remote.js";

export interface PullOptions extends ClientOptions {
  /** `os/arch[/variant]`; default linux/amd64. */
  platform?: string;
  /** Docker's pull lines, each ending in "\n" (the plain form Docker prints when not on a terminal). */
  output?: (line: string) => void;
  /** Parallel layer downloads (Docker's max-concurrent-downloads, 3). */
  concurrency?: number;
  /** Bytes received of a layer blob (short ID as in the lines) out of its size: for progress bars. */
  onBytes?: (shortID: string, received: number, total: number) => void;
  /** Docker Hub mirrors (base URLs); default: daemon.json's registry-mirrors. */
  mirrors?: string[];
}

export interface PullResult {
  id: Digest;
  /** The digest recorded as `name@digest` (a manifest list's own digest for a multi-platform tag). */
  digest: string;
  /** `name:tag` or `name@digest`, as Docker prints in its Status line. */
  reference: string;
  /** The fully qualified reference Docker's CLI prints last: `docker.io/library/alpine:latest`. */
  canonical: string;
  upToDate: boolean;
}

export const DEFAULT_PLATFORM: Platform = { os: "linux", architecture: "amd64" };

/**
 * Docker Hub names go to the daemon.json mirrors first, in order; any failure of a mirror moves
 * on to the next and finally to Docker Hub itself (moby's lookupV2Endpoints + continueOnError).
 */
async function resolveThroughMirrors(r: RepositoryRef, reference: string, display: string, platform: Platform, opts: PullOptions) {
  const daemon = daemonConfig(opts.env ?? process.env);
  const options = { ...opts, insecureRegistries: [...(opts.insecureRegistries ?? []), ...daemon.insecure] };
  if (r.domain === DOCKER_HUB_DOMAIN && !opts.offline) {
    for (const endpoint of opts.mirrors ?? daemon.mirrors) {
      const client = new RegistryClient(r.domain, { ...options, endpoint });
      try {
        return { client, resolved: await resolveManifest(client, r.path, reference, display, platform) };
      } catch {
        // a mirror that lacks the image or fails is skipped, as dockerd does
      }
    }
  }
  const client = new RegistryClient(r.domain, options);
  return { client, resolved: await resolveManifest(client, r.path, reference, display, platform) };
}

/** Runs fns with at most n at a time, in order of the list. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  if (failed !== undefined) throw failed;
}

/**
 * `docker pull`: resolves the reference (platform from a list), verifies every manifest and blob
 * against its digest, downloads the missing layers three at a time, then writes layers, config,
 * the distribution/ maps and the references in one locked step that leaves nothing behind on failure.
 */
export async function pull(store: ImageStore, ref: string | RepositoryRef, opts: PullOptions = {}): Promise<PullResult> {
  const r = typeof ref === "string" ? repositoryRef(ref) : ref;
  const tag = r.digest === undefined ? (r.tag ?? "latest") : undefined;
  const reference = r.digest ?? tag!;
  const display = r.familiar + (r.digest ? "@" + r.digest : ":" + tag);
  const out = opts.output ?? (() => {});
  const platform = opts.platform ? parsePlatform(opts.platform) : DEFAULT_PLATFORM;
  const { client, resolved } = await resolveThroughMirrors(r, reference, display, platform, opts);
  out(`${reference}: Pulling from ${r.path}\n`);
  const image = new RemoteImage(client, r.path, display, resolved);
  if (opts.onBytes) image.onBytes = (l, n) => opts.onBytes!(shortId(l.descriptor.digest), n, l.descriptor.size);
  try {
    const config = await image.rawConfig();
    const id = await image.id();
    const layers = await image.layers();
    const chain = chainIDs(await Promise.all(layers.map((l) => l.diffID())));
    const missing: Array<{ layer: RemoteLayer; index: number }> = [];
    // Like dockerd, an image already in the store is not gone through layer by layer.
    const present = store.getImage(id) !== undefined && chain.every((c) => store.getLayer(c));
    if (!present) layers.forEach((layer, index) => {
      const short = shortId(layer.descriptor.digest);
      if (store.getLayer(chain[index])) out(`${short}: Already exists\n`);
      else {
        out(`${short}: Pulling fs layer\n`);
        missing.push({ layer, index });
      }
    });
    const concurrency = opts.concurrency ?? 3;
    for (const m of missing.slice(concurrency)) out(`${shortId(m.layer.descriptor.digest)}: Waiting\n`);
    await pool(missing, concurrency, async ({ layer }) => {
      await layer.blob();
      const short = shortId(layer.descriptor.digest);
      out(`${short}: Verifying Checksum\n${short}: Download complete\n`);
    });
    const before = tag !== undefined ? store.resolve(`${r.familiar}:${tag}`) : store.resolve(`${r.familiar}@${r.digest}`);
    const references = [`${r.familiar}@${resolved.digest}`];
    if (tag !== undefined) references.unshift(`${r.familiar}:${tag}`);
    await writePulledImage(store, {
      config,
      layers: await Promise.all(layers.map(async (l) => ({
        diffID: await l.diffID(),
        compressedDigest: l.descriptor.digest,
        open: async () => l.open(),
      }))),
      sourceRepository: fullName(r),
      references,
      onLayer: (i, ev) => {
        // Docker's Extracting line carries a progress bar, which it leaves out off a terminal.
        if (ev === "extracting" && opts.onBytes) out(`${shortId(layers[i].descriptor.digest)}: Extracting\n`);
        if (ev === "complete") out(`${shortId(layers[i].descriptor.digest)}: Pull complete\n`);
      },
    });
    const upToDate = before === id && missing.length === 0;
    out(`Digest: ${resolved.digest}\n`);
    out(`Status: ${upToDate ? "Image is up to date" : "Downloaded newer image"} for ${display}\n`);
    return { id, digest: resolved.digest, reference: display, canonical: `${fullName(r)}${r.digest ? "@" + r.digest : ":" + tag}`, upToDate };
  } finally {
    image.dispose();
  }
}

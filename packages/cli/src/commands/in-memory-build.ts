import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { buildImage, builtinSource, BuildError, type ImageSource } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import type { BuildRecord, Digest } from "@tsbuild/image";
import { defaultRoot, openStore, type ImageStore } from "@tsbuild/store";
import type { Io } from "../command.js";
import { sourceDateEpoch } from "../build-flags.js";

/**
 * Builds for `compare` and `check --dockerfile`: in a memory store (pass one store to several
 * builds so identical steps share their layers, as on one Docker daemon), so nothing is written to
 * the user's store. FROM finds its image in the memory store, else in the on-disk store
 * (--root, $TSBUILD_ROOT or the default, copied over), else among the conformance bases
 * (`conformance/busybox:1`, `conformance/alpine-sim:1`), else among the built-in images.
 */
export interface InMemoryBuild {
  store: ImageStore;
  imageId: Digest;
  /** The Dockerfile step behind each image the build committed. */
  recordFor(id: Digest): BuildRecord | undefined;
}

export interface BuildRequest {
  dockerfile: string;
  context: string;
  buildArgs: Record<string, string>;
  target?: string;
}

export async function buildInMemory(store: ImageStore, req: BuildRequest, values: Record<string, unknown>, io: Io): Promise<InMemoryBuild> {
  const dockerfile = resolve(io.cwd, req.dockerfile);
  const contextDir = resolve(io.cwd, req.context);
  if (!existsSync(dockerfile)) throw new Error(`Dockerfile not found: ${dockerfile}`);
  if (!existsSync(contextDir)) throw new Error(`build context not found: ${contextDir}`);
  const context = await BuildContext.fromDirectory(contextDir, { dockerfile });
  let log = "";
  let result;
  try {
    result = await buildImage({
      store,
      context,
      dockerfileName: nameOf(dockerfile, contextDir, req.dockerfile),
      buildArgs: req.buildArgs,
      target: req.target,
      output: (s) => (log += s),
      sources: inMemorySources(values, io),
      // As the CLI's build does: the same context then makes the same layers in both.
      sourceDateEpoch: sourceDateEpoch(values, io),
    });
  } catch (e) {
    if (e instanceof BuildError) throw new Error(`building ${req.dockerfile} failed:\n${log}${e.message}`);
    throw e;
  }
  return { store, imageId: result.imageId, recordFor: (id) => result.records.get(id) };
}

/** The Dockerfile as messages name it: relative to the context when inside it, else as given. */
function nameOf(abs: string, contextDir: string, given: string): string {
  const rel = relative(contextDir, abs);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : given;
}

/** --build-arg K=V, or K alone for the environment's value (Docker's rule). */
export function buildArgsFrom(list: string[] | undefined, io: Io): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list ?? []) {
    const i = a.indexOf("=");
    if (i >= 0) out[a.slice(0, i)] = a.slice(i + 1);
    else if (io.env[a] !== undefined) out[a] = io.env[a]!;
  }
  return out;
}

/** The on-disk store, then the conformance bases, then the built-in images. */
export function inMemorySources(values: Record<string, unknown>, io: Io): ImageSource[] {
  return [
    { name: "disk store", find: (ref, store) => fromDiskStore(store, ref, values, io) },
    { name: "conformance bases", find: (ref, store) => fromConformanceBases(store, ref, io) },
    builtinSource,
  ];
}

async function fromDiskStore(store: ImageStore, ref: string, values: Record<string, unknown>, io: Io): Promise<Digest | undefined> {
  const root = resolve(io.cwd, (values.root as string | undefined) ?? io.env.TSBUILD_ROOT ?? defaultRoot());
  if (!existsSync(root)) return undefined;
  const disk = openStore(root);
  const id = disk.resolve(ref);
  const image = id ? disk.getImage(id) : undefined;
  if (!id || !image) return undefined;
  return store.writeImage(image, [ref]);
}

/**
 * The conformance bases are the conformance package's (a checkout has it; an installed CLI does
 * not, and has no conformance data either).
 */
async function fromConformanceBases(store: ImageStore, ref: string, io: Io): Promise<Digest | undefined> {
  const conformance = await import("@tsbuild/conformance").catch((e: { code?: string }) => {
    if (e.code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw e;
  });
  return conformance?.importConformanceBase(store, ref, io.env);
}

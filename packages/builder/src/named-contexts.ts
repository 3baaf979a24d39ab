import { writeTar, type TarFile } from "@tsbuild/archive";
import type { BuildContext } from "@tsbuild/context";
import { RootFS } from "@tsbuild/fs-snapshot";
import type { Digest } from "@tsbuild/image";
import { importTar, type ImageStore } from "@tsbuild/store";
import type { BuildRun } from "./builder.js";

/** `--build-context NAME=VALUE` (BuildKit): an image by reference, or a local directory. */
export type NamedContext = { image: string } | { context: BuildContext };

/**
 * The named context a FROM, `COPY --from` or `RUN --mount from=` names, if any. BuildKit looks
 * named contexts up before the Dockerfile's stages, so one of a stage's name replaces the stage.
 */
export function namedContext(run: BuildRun, name: string): NamedContext | undefined {
  if (!run.opts.buildkit || !run.opts.namedContexts) return undefined;
  return run.opts.namedContexts[name.toLowerCase()];
}

/** The names that stand for named contexts in this build (none in the classic builder). */
export function namedContextNames(run: BuildRun): ReadonlySet<string> {
  return new Set(run.opts.buildkit ? Object.keys(run.opts.namedContexts ?? {}) : []);
}

/** One value per (owner, context): a build reads a named directory once however often it is named. */
function memo<O extends object, T>(table: WeakMap<O, Map<BuildContext, T>>, owner: O, context: BuildContext, make: () => T): T {
  let byContext = table.get(owner);
  if (!byContext) table.set(owner, (byContext = new Map()));
  if (!byContext.has(context)) byContext.set(context, make());
  return byContext.get(context)!;
}

const contextFileSystems = new WeakMap<BuildRun, Map<BuildContext, RootFS>>();

/**
 * The files of a directory context, as a filesystem to copy or mount from (owned by root, as
 * BuildKit sends them); made once per build and only read (COPY and mounts copy out of it).
 */
export function contextFs(run: BuildRun, context: BuildContext): RootFS {
  return memo(contextFileSystems, run, context, () => readContextFs(run, context));
}

function readContextFs(run: BuildRun, context: BuildContext): RootFS {
  const fs = new RootFS({ defaultMtime: run.clock.date() });
  const owner = { uid: 0, gid: 0 };
  const entries = context.entries();
  for (const e of entries) {
    const p = "/" + e.path;
    if (e.type === "dir") fs.mkdir(p, { mode: e.mode, owner });
    else if (e.type === "symlink") fs.symlink(e.linkname ?? "", p, { owner, mtime: e.mtime });
    else fs.writeFile(p, e.data(), { mode: e.mode, owner, mtime: e.mtime });
  }
  for (const e of entries) if (e.type === "dir") fs.utimes("/" + e.path, e.mtime, e.mtime);
  return fs;
}

// By store: the image is imported into the store of the build that asked for it.
const dirImages = new WeakMap<ImageStore, Map<BuildContext, Promise<Digest>>>();

/**
 * `FROM NAME` of a directory context: an image whose one layer holds the directory's files
 * (BuildKit's local source as a base), imported once per store.
 */
export function directoryImage(run: BuildRun, context: BuildContext): Promise<Digest> {
  return memo(dirImages, run.store, context, () => {
    const files: TarFile[] = context.entries().map((e) => ({
      name: e.path,
      type: e.type === "dir" ? "dir" : e.type === "symlink" ? "symlink" : "file",
      mode: e.mode,
      uid: 0,
      gid: 0,
      mtime: Math.floor(e.mtime.getTime() / 1000),
      content: e.type === "file" ? e.data() : undefined,
      linkname: e.linkname,
    }));
    return importTar(run.store, writeTar(files), { created: run.clock.date() });
  });
}

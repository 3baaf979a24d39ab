import { posix } from "node:path";
import { RootFS } from "@tsbuild/fs-snapshot";
import type { RunMount } from "@tsbuild/parser";
import { loadCacheMount, saveCacheMount, type ImageStore } from "@tsbuild/store";
import type { BuildRun } from "../builder.js";
import type { StageState } from "../state.js";
import { findStage, resolveFromFlag } from "../dispatch/from.js";
import { copyTree } from "./tree.js";
import { namedContext } from "../named-contexts.js";

/** A filesystem mounted over the image for one RUN (what the shell's RunSpec.mounts takes). */
export interface GivenMount {
  path: string;
  fs: RootFS;
  /** Mounted read-only (a bind without `rw`, a cache with `ro`): the command's writes there fail with EROFS. */
  readOnly: boolean;
}

/** The mounts of one RUN: the filesystems to mount, the caches to keep afterwards, the environment they add. */
export interface PreparedMounts {
  given: GivenMount[];
  caches: Array<{ id: string; fs: RootFS }>;
  env: Record<string, string>;
}

/** Where BuildKit mounts it: the target relative to WORKDIR (ssh's default socket path). */
export function mountTarget(m: RunMount, workdir: string): string {
  return posix.resolve("/", workdir || "/", m.target ?? (m.type === "ssh" ? "/run/buildkit/ssh_agent.0" : ""));
}

/** A cache's id: `id=`, else its target as written, cleaned (dockerfile2llb's default). */
export function cacheId(m: RunMount): string {
  return m.cacheId ?? posix.normalize(m.target ?? "");
}

function hasBase(m: RunMount): boolean {
  return m.from !== undefined || m.mode !== undefined || m.uid !== undefined || m.gid !== undefined;
}

/**
 * What names a cache's content: its id and the ref of its base, as BuildKit's cache-dir key
 * (`cache-dir:<id>:<ref>`): a cache with uid/gid/mode stands on a made directory, one with `from` on
 * that stage's result or that image, so the same id with another base is another cache.
 */
async function cacheKey(run: BuildRun, state: StageState, m: RunMount): Promise<string> {
  const id = cacheId(m);
  if (m.from !== undefined) return `${id}\0from:${fromKey(run, state, m.from)}`;
  if (!hasBase(m)) return id;
  return `${id}\0mkdir:${(m.mode ?? 0o755).toString(8)}:${m.uid ?? 0}:${m.gid ?? 0}`;
}

// Caches of stores without a directory (memory stores): kept for the store's lifetime.
const memoryCaches = new WeakMap<ImageStore, Map<string, Buffer>>();

async function loadCache(run: BuildRun, id: string): Promise<RootFS | undefined> {
  const root = run.store.root;
  const tar = root ? loadCacheMount(root, id) : memoryCaches.get(run.store)?.get(id);
  if (!tar) return undefined;
  const fs = new RootFS();
  await fs.applyLayer(tar);
  return fs;
}

/**
 * The live filesystem of a mount: empty at the start of a step (so that committing it gives a tar
 * of everything in it), its root with the given owner and mode.
 */
function liveFs(run: BuildRun, root: { mode: number; uid: number; gid: number }): RootFS {
  const fs = new RootFS({ defaultMtime: run.clock.date() });
  fs.chmod("/", root.mode);
  fs.chown("/", { uid: root.uid, gid: root.gid });
  fs.beginStep();
  return fs;
}

/** Fills `fs` at `/` from `path` in `src` (a stage, an image or the stored cache), the root's attributes included. */
function fillFrom(src: RootFS, path: string, fs: RootFS, what: string): void {
  let st;
  try {
    st = src.stat(path);
  } catch {
    throw new Error(`failed to compute cache key: ${what} "${path}" not found`);
  }
  if (st.type !== "dir") throw new Error(`${what} "${path}" is a file: tsbuild mounts directories only`);
  for (const name of src.readdir(path)) copyTree(src, posix.join(path, name), fs, posix.join("/", name));
  fs.chown("/", st);
  fs.chmod("/", st.mode);
}

/** A bind mount's source: a stage or an image (`from=`), else the build context, at `source`. */
async function bindSource(run: BuildRun, state: StageState, m: RunMount): Promise<RootFS> {
  const fs = new RootFS({ defaultMtime: run.clock.date() });
  const source = m.source ?? "/";
  if (m.from !== undefined) {
    fillFrom(await (await resolveFromFlag(run, state, m.from)).fs(), posix.resolve("/", source), fs, "bind source");
    return fs;
  }
  const [r] = run.opts.context.resolveSources([source], { allowWildcards: false });
  if (!r.isDir) throw new Error(`bind source "${source}" is a file: tsbuild mounts directories only`);
  const base = r.resolvedPath ? r.resolvedPath + "/" : "";
  for (const e of r.children) {
    const p = "/" + e.path.slice(base.length);
    const owner = { uid: 0, gid: 0 };
    if (e.type === "dir") fs.mkdir(p, { mode: e.mode, owner });
    else if (e.type === "symlink") fs.symlink(e.linkname ?? "", p, { owner, mtime: e.mtime });
    else fs.writeFile(p, e.data(), { mode: e.mode, owner, mtime: e.mtime });
  }
  for (const e of r.children) if (e.type === "dir") fs.utimes("/" + e.path.slice(base.length), e.mtime, e.mtime);
  return fs;
}

/**
 * BuildKit's RUN --mount, but secrets (secrets.ts): a cache is the content earlier builds left
 * under its id (else `from`'s `source`, else an empty directory with `mode`, `uid`, `gid`); a bind
 * shows the context or a stage, its writes thrown away; a tmpfs starts empty; ssh has no agent
 * here (tsbuild forwards none), so a `required` one fails as Docker fails without `--ssh`.
 * Sharing modes need no work: the steps of a build run one at a time.
 */
export async function prepareMounts(run: BuildRun, state: StageState, mounts: RunMount[]): Promise<PreparedMounts> {
  const out: PreparedMounts = { given: [], caches: [], env: {} };
  const workdir = state.runConfig.WorkingDir;
  for (const m of mounts) {
    const path = mountTarget(m, workdir);
    if (m.type === "cache") {
      const id = await cacheKey(run, state, m);
      const fs = liveFs(run, { mode: m.mode ?? 0o755, uid: m.uid ?? 0, gid: m.gid ?? 0 });
      // --no-cache starts a cache without a base afresh (and that one replaces the kept one); a cache
      // on a base (uid/gid/mode, from) keeps its content (recorded from dockerd 20.10, b-cache-mounts).
      const fresh = run.opts.noCache && !hasBase(m);
      const kept = fresh ? undefined : await loadCache(run, id);
      if (kept) fillFrom(kept, "/", fs, "cache");
      else if (m.from !== undefined) fillFrom(await (await resolveFromFlag(run, state, m.from)).fs(), posix.resolve("/", m.source ?? "/"), fs, "cache source");
      out.given.push({ path, fs, readOnly: m.readOnly });
      out.caches.push({ id, fs });
    } else if (m.type === "bind") {
      out.given.push({ path, fs: await bindSource(run, state, m), readOnly: m.readOnly });
    } else if (m.type === "tmpfs") {
      const fs = new RootFS({ defaultMtime: run.clock.date() });
      fs.chmod("/", 0o1777);
      out.given.push({ path, fs, readOnly: false });
    } else if (m.type === "ssh") {
      if (m.required) throw new Error(`no SSH key ${JSON.stringify(m.cacheId ?? "")} forwarded from the client`);
      // BuildKit sets the variable even when no agent came with the build (recorded, b-mounts-ssh).
      out.env.SSH_AUTH_SOCK = path;
    }
  }
  return out;
}

/** Keeps what the step left in its cache mounts for the next builds (the store's cache-mount directory). */
export async function keepCaches(run: BuildRun, prepared: PreparedMounts): Promise<void> {
  for (const c of prepared.caches) {
    const diff = await c.fs.commitStep({ mtime: run.clock.date() });
    const chunks = [...diff.tarChunks()];
    const root = run.store.root;
    if (root) saveCacheMount(root, c.id, chunks, diff.size);
    else {
      const caches = memoryCaches.get(run.store) ?? new Map<string, Buffer>();
      caches.set(c.id, Buffer.concat(chunks));
      memoryCaches.set(run.store, caches);
    }
  }
}

/** What a mount's `from=` stands on, for cache keys: a named context's image or content, a stage's result, an image. */
function fromKey(run: BuildRun, state: StageState, from: string): string {
  const named = namedContext(run, from);
  if (named && "image" in named) return `image:${run.store.resolve(named.image) ?? named.image}`;
  if (named) return `context:${named.context.sourceHash(named.context.resolveSources(["/"], { allowWildcards: false }))}`;
  const stage = findStage(run, from, state.index);
  return stage ? (stage.bkKey ?? `stage:${stage.index}`) : `image:${run.store.resolve(from) ?? from}`;
}

/**
 * What a RUN's cache key takes from its mounts besides their options: the content of a bind
 * mount's context source (a changed file there re-runs the step, recorded in g-19-033) and the
 * result of any stage or image a mount takes `from`.
 */
export function mountInputs(run: BuildRun, state: StageState, mounts: RunMount[]): string[] {
  const out: string[] = [];
  for (const m of mounts) {
    if (m.from !== undefined && namedContext(run, m.from)) {
      out.push(fromKey(run, state, m.from));
    } else if (m.from !== undefined) {
      const stage = findStage(run, m.from, state.index);
      out.push(stage ? `stage:${stage.bkKey ?? stage.index}` : `image:${run.store.resolve(m.from) ?? m.from}`);
    } else if (m.type === "bind") {
      try {
        out.push(`context:${run.opts.context.sourceHash(run.opts.context.resolveSources([m.source ?? "/"], { allowWildcards: false }))}`);
      } catch {
        // a missing source fails when the step runs, with the mount's own message
        out.push(`context:missing:${m.source ?? "/"}`);
      }
    }
  }
  return out;
}

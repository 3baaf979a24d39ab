import { posix } from "node:path";
import { resolveChownBuildKit } from "../buildkit/chown.js";
import { heredocSources } from "../buildkit/heredoc.js";
import type { InstructionOf } from "@tsbuild/parser";
import type { ContextEntry, ResolvedSource } from "@tsbuild/context";
import type { BuildRun } from "../builder.js";
import type { FileStep } from "../step.js";
import { copyConfig, shellOf, type StageState } from "../state.js";
import type { CopyWords } from "../words.js";
import { copyInto } from "../copy/perform.js";
import { resolveChown } from "../copy/identity.js";
import { hashFromFs, sourcesFromFs } from "../copy/from-fs.js";
import { fromSumKey, inProcessFromSums } from "../copy/from-sums.js";
import type { CopySource, SourceItem } from "../copy/source.js";
import { resolveFromFlag } from "./from.js";
import { requiresBuildKit } from "../classic.js";

const URL_RE = /^https?:\/\//i;

/** COPY and ADD (moby builder/dispatchers.go dispatchCopy/dispatchAdd, copy.go, internals.go performCopy). */
export async function dispatchCopy(run: BuildRun, state: StageState, ins: InstructionOf<"COPY" | "ADD">, words: CopyWords): Promise<FileStep> {
  const name = ins.kind;
  const { srcs, dest, chown } = words;
  const chmodFlag = ins.chmod;
  // 20.10's classic dispatchCopy/dispatchAdd refuse --chmod before anything else.
  if (chmodFlag !== undefined && !run.opts.buildkit) throw run.err(requiresBuildKit("chmod"));
  const chmod = chmodFlag !== undefined ? parseChmod(run, chmodFlag) : undefined;
  const fromFlag = ins.kind === "COPY" ? ins.from : undefined;

  // COPY --from with its hash remembered: the sources are read from the filesystem only if the step runs.
  let sources: CopySource[] | (() => Promise<CopySource[]>);
  let sourceCount: number;
  let hash: string;
  let contextFiles: Record<string, string> | undefined;
  if (fromFlag !== undefined) {
    const from = await resolveFromFlag(run, state, words.from!);
    const sums = run.opts.fromSums ?? inProcessFromSums;
    const key = from.diffIDs && fromSumKey(from.diffIDs, srcs);
    const known = key ? sums.get(key) : undefined;
    const read = async () => {
      try {
        return sourcesFromFs(await from.fs(), srcs);
      } catch (e) {
        throw run.err((e as Error).message);
      }
    };
    if (known) {
      ({ hash, count: sourceCount } = known);
      sources = read;
    } else {
      const listed = await read();
      hash = hashFromFs(await from.fs(), listed);
      sources = listed;
      sourceCount = listed.length;
      if (key) sums.set(key, { hash, count: sourceCount });
    }
  } else {
    const url = srcs.find((s) => URL_RE.test(s));
    if (ins.kind === "ADD" && ins.checksum !== undefined && !url) throw run.err("checksum can't be specified for non-HTTP(S) sources");
    if (url) {
      if (name === "COPY") throw run.err(`COPY failed: source can't be a URL for COPY`);
      throw run.err(`ADD failed: cannot download ${url}: tsbuild has no network access (download the file into the build context and ADD it from there)`);
    }
    // A 1.4+ frontend's `COPY <<EOF`: the heredocs are sources of their own, after the context's.
    const docs = run.opts.buildkit && ins.heredocs.length ? heredocSources(run, state, ins, srcs) : undefined;
    let resolved: ResolvedSource[];
    try {
      resolved = docs && docs.rest.length === 0 ? [] : run.opts.context.resolveSources(docs?.rest ?? srcs, { allowWildcards: true });
    } catch (e) {
      // BuildKit fails the copy's cache key, naming the context path the source leads to.
      const missing = (e as { missing?: string }).missing;
      if (run.opts.buildkit && missing !== undefined) throw run.err(`failed to compute cache key: ${missingSourceError(missing)}`);
      throw run.err(`${name} failed: ${(e as Error).message}`);
    }
    // A cache hit needs only the hash: the per-file sources and the build record's digests are
    // made when the step runs (20,000 of each for a big context's `COPY . /src/`).
    sources = async () => [...resolved.map(contextSource), ...(docs?.sources ?? [])];
    sourceCount = resolved.length + (docs?.sources.length ?? 0);
    hash = (resolved.length ? run.opts.context.sourceHash(resolved) : "") + (docs ? docs.hash : "");
    contextFiles = lazyDigests(resolved);
  }
  // BuildKit has no such check: each source is copied to the destination in turn (the last file wins, a directory made by one takes the next), recorded in g-17-081.
  if (sourceCount > 1 && !dest.endsWith("/") && !run.opts.buildkit) {
    throw run.err(`When using ${name} with more than one source file, the destination must be a directory and end with a /`);
  }

  const comment = `${name} ${chown ? `--chown=${chown}` : ""}${hash} in ${dest} `;
  const probe = copyConfig(state.runConfig);
  probe.Cmd = [...shellOf(state), "#(nop) " + comment];
  // BuildKit's history drops the flags; its cache key keeps them (--chmod included) with the content.
  const bk = { text: `${name} ${srcs.join(" ")} ${dest} # buildkit`, parts: { kind: name, chmod: chmodFlag ?? null, from: fromFlag ?? null } };
  const destPath = normalizeDest(state.runConfig.WorkingDir, dest);
  return {
    probe,
    buildkit: bk,
    sources: contextFiles,
    container: "none",
    async change(fs) {
      try {
        // COPY --from without --chown keeps the source's owners; from the context, root unless --chown.
        const identity = chown ? (run.opts.buildkit ? resolveChownBuildKit : resolveChown)(fs, chown) : fromFlag !== undefined ? undefined : { uid: 0, gid: 0 };
        for (const src of typeof sources === "function" ? await sources() : sources) {
          await copyInto(fs, src, destPath, { identity, chmod, decompress: name === "ADD", buildkit: run.opts.buildkit });
        }
      } catch (e) {
        // Docker words failures of the copy itself "failed to copy files: ...", with no COPY prefix.
        const msg = (e as Error).message;
        throw run.err(msg.startsWith("failed to copy files: ") ? msg : `${name} failed: ${msg}`);
      }
    },
  };
}

/** BuildKit's words for a context source that is not there (recorded: b-29-009, b-31k-003). */
export function missingSourceError(missing: string): string {
  return `"/${missing}" not found: not found`;
}

/** normalizeDest: relative to WORKDIR, keeping a trailing slash. */
export function normalizeDest(workdir: string, dest: string): string {
  if (dest.startsWith("/")) return dest;
  const joined = posix.join("/", workdir || "/", dest);
  return dest.endsWith("/") || dest === "." ? joined.replace(/\/?$/, "/") : joined;
}

function parseChmod(run: BuildRun, v: string): number {
  if (!/^[0-7]{3,4}$/.test(v)) throw run.err(`invalid --chmod value "${v}": only octal modes like 755 are supported`);
  return parseInt(v, 8);
}

function contextSource(r: ResolvedSource): CopySource {
  // Children are named under the resolved path: a symlink to a directory copies the directory's content.
  const base = r.resolvedPath;
  const toItem = (e: ContextEntry, rel: string): SourceItem => ({
    rel,
    type: e.type,
    mode: e.mode & 0o7777,
    uid: 0,
    gid: 0,
    mtime: e.mtime,
    linkname: e.linkname,
    data: () => e.data(),
    chunks: e.chunks && (() => e.chunks!()),
    bytes: e.bytes && (() => e.bytes!()),
  });
  if (!r.isDir) return { path: r.path, isDir: false, items: [toItem(r.entry!, "")] };
  const prefix = base ? base + "/" : "";
  const items = r.children.map((c) => toItem(c, c.path.slice(prefix.length)));
  return { path: r.path, isDir: true, items, self: r.entry ? toItem(r.entry, "") : undefined };
}

/** The build record's `sources`, worked out when first read (on a cache miss only). */
function lazyDigests(resolved: ResolvedSource[]): Record<string, string> {
  let digests: Record<string, string> | undefined;
  return new Proxy({}, {
    get: (_t, k) => (digests ??= sourceDigests(resolved))[k as string],
    has: (_t, k) => k in (digests ??= sourceDigests(resolved)),
    ownKeys: () => Reflect.ownKeys((digests ??= sourceDigests(resolved))),
    getOwnPropertyDescriptor: (_t, k) => Reflect.getOwnPropertyDescriptor((digests ??= sourceDigests(resolved)), k),
  });
}

/** path → content hash of every file a COPY takes from the context (the build record's `sources`). */
function sourceDigests(resolved: ResolvedSource[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of resolved) {
    if (!r.isDir && r.entry) out[r.path] = r.entry.hash;
    for (const c of r.isDir ? r.children : []) if (c.type !== "dir") out[c.path] = c.hash;
  }
  return out;
}

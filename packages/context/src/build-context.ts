import { realpathSync } from "node:fs";
import { DEFAULT_DOCKERFILE, takeDockerfile } from "./dockerfile.js";
import { goClean } from "./gopath.js";
import { readDirectoryContext, type DirectoryContextOptions } from "./read-directory.js";
import { readTarContext } from "./read-tar.js";
import { filesContextRecords, type ContextFile, type FilesContextOptions } from "./from-files.js";
import type { ContextRecord } from "./record.js";
import { resolveSources, sourceHash } from "./sources.js";
import { ContextSumCache } from "./sum-cache.js";
import { ContextTree, recordTarsum } from "./tree.js";
import type { ContextEntry, ResolvedSource } from "./types.js";

/**
 * The build context as the classic builder's daemon holds it: unpacked, Dockerfile located,
 * Dockerfile and .dockerignore removed when .dockerignore names them, every entry's tarsum known.
 */
export class BuildContext {
  private constructor(
    private readonly tree: ContextTree,
    /** The Dockerfile as found: a path in the context, or the path/label given for one from outside. */
    readonly dockerfilePath: string,
    private readonly dockerfile: Buffer,
  ) {}

  /** A context directory, sent the way the docker CLI sends it (.dockerignore applied). */
  static async fromDirectory(dir: string, opts: DirectoryContextOptions & SumCacheOption = {}): Promise<BuildContext> {
    const sent = readDirectoryContext(dir, opts);
    const records = opts.sumCache ? withSumCache(sent.records, opts.sumCache, dir) : withoutStats(sent.records);
    const { tree, content } = unpack(records, sent.dockerfileName);
    return new BuildContext(tree, sent.dockerfileLabel, content);
  }

  /**
   * Files held in memory, as the docker CLI would send them from a directory holding them (see
   * filesContextRecords): no tar is written or read.
   */
  static fromFiles(files: Record<string, ContextFile>, opts: FilesContextOptions = {}): BuildContext {
    const { records, dockerfileName } = filesContextRecords(files, opts);
    const { tree, content, found } = unpack(records, dockerfileName);
    return new BuildContext(tree, found, content);
  }

  /**
   * A context tar (`docker build -`), plain or gzip. Its entries are taken as they are: like the
   * daemon, only the Dockerfile and .dockerignore themselves are dropped when .dockerignore names them.
   * `dockerfile` is a path inside the tar.
   */
  static async fromTar(input: Buffer | NodeJS.ReadableStream, opts: { dockerfile?: string } = {}): Promise<BuildContext> {
    const name = opts.dockerfile || DEFAULT_DOCKERFILE;
    const { tree, content, found } = unpack(await readTarContext(input), name);
    return new BuildContext(tree, found, content);
  }

  dockerfileText(): string {
    return this.dockerfile.toString("utf8");
  }

  /** The entry at a path ("./a", "/a" and "a/../a" are all "a"), symlinks not followed. */
  get(path: string): ContextEntry | undefined {
    const clean = goClean(path.replace(/^\/+/, ""));
    if (clean === "." || clean.startsWith("..")) return undefined;
    return this.tree.get(clean);
  }

  /** Every entry, in Docker's walk order (depth first, names byte-sorted within each directory). */
  entries(): ContextEntry[] {
    return this.tree.walk();
  }

  /**
   * COPY/ADD sources by Docker's rules: one result per source, or per wildcard match.
   * Throws ContextError with Docker's wording for a missing or forbidden source, or when
   * nothing at all matched.
   */
  resolveSources(srcs: string[], opts: { allowWildcards?: boolean } = {}): ResolvedSource[] {
    return resolveSources(this.tree, srcs, opts.allowWildcards ?? true);
  }

  /** The hash in `COPY <hash> in <dest>`: "file:…", "dir:…" or "multi:…". */
  sourceHash(sources: ResolvedSource[]): string {
    return sourceHash(sources);
  }

  /**
   * The tarsum Docker uses for one path (symlinks followed), to tell which file changed
   * between two builds; undefined when the path is not in the context.
   */
  contentDigest(path: string): string | undefined {
    const r = this.tree.resolve(path);
    if (!r.ok || r.rel === "" || !this.tree.get(r.rel)) return undefined;
    return this.tree.hashOf(path) ?? undefined;
  }
}

export interface SumCacheOption {
  /**
   * A directory where the files' tarsums are remembered between builds, keyed by their lstat
   * (sum-cache.ts): an unchanged file is not read to hash it. The CLI keeps it in the store root.
   */
  sumCache?: string;
}

function withSumCache(records: ContextRecord[], dir: string, contextDir: string): ContextRecord[] {
  const cache = ContextSumCache.open(dir, realpathSync(contextDir));
  for (const r of records) {
    const st = r.stat;
    if (!st) continue;
    r.stat = undefined;
    cache.wrap(r, st, recordTarsum);
  }
  return records;
}

/** The tree keeps each record for its content, not the lstat it no longer needs. */
function withoutStats(records: ContextRecord[]): ContextRecord[] {
  for (const r of records) if (r.stat) r.stat = undefined;
  return records;
}

function unpack(records: ContextRecord[], dockerfileName: string): { tree: ContextTree; content: Buffer; found: string } {
  const tree = new ContextTree();
  for (const rec of records) tree.add(rec);
  // A named context has no Dockerfile ("" from readDirectoryContext's noDockerfile).
  if (dockerfileName === "") return { tree, content: Buffer.alloc(0), found: "" };
  const { name, content } = takeDockerfile(tree, dockerfileName);
  return { tree, content, found: name };
}

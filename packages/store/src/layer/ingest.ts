import { createHash } from "node:crypto";
import type { Digest } from "@tsbuild/image";
import { ByteReader } from "@tsbuild/archive";
import { disassemble, type TarEntry } from "../tar/disassemble.js";
import { encodeEntry } from "../tarsplit/entry.js";
import { LayerPolicy, type AcceptedEntry, type LayerRules } from "./policy.js";

/** Where accepted members are materialised (the overlay2 diff/ directory, or nowhere). */
export interface LayerFiles {
  write(e: TarEntry, accepted: AcceptedEntry, body: AsyncIterable<Buffer>): Promise<void>;
}

export interface IngestResult {
  diffID: Digest;
  /** Docker's layer size: regular file bytes plus symlink target lengths (hard links add nothing). */
  size: number;
  /**
   * BuildKit's layer size (dockerd's builder-next registers its layers by tar-split payload):
   * regular file bytes only, symlinks count nothing.
   */
  payloadSize: number;
  /** Length of the tar stream in bytes. */
  tarSize: number;
}

export interface IngestOptions {
  /** Receives each tar-split JSON line, in order. */
  tarSplit?: (line: string) => void | Promise<void>;
  files?: LayerFiles;
  /** Skip the layer rules: for re-checking a stored layer, whose members were accepted once. */
  trusted?: boolean;
  rules?: LayerRules;
}

/**
 * Reads a layer tar once: hashes it (the diffID), checks every member against the layer
 * rules, records tar-split metadata and hands members to `files`. Throws on the first
 * problem; the caller owns cleaning up whatever `files` wrote.
 */
export async function ingestTar(input: AsyncIterable<unknown>, opts: IngestOptions = {}): Promise<IngestResult> {
  const hash = createHash("sha256");
  let tarSize = 0;
  const reader = new ByteReader(input, (b) => {
    hash.update(b);
    tarSize += b.length;
  });
  const policy = new LayerPolicy(opts.rules);
  let size = 0;
  let payloadSize = 0;
  let position = 0;
  await disassemble(reader, {
    record: opts.tarSplit ? (e) => opts.tarSplit!(encodeEntry(e, position++)) : null,
    entry: async (e, body) => {
      const accepted = opts.trusted ? { path: e.name } : policy.accept(e);
      if (e.typeflag === "0") {
        size += e.size;
        payloadSize += e.size;
      } else if (e.typeflag === "2") size += Buffer.byteLength(e.linkname);
      if (opts.files) await opts.files.write(e, accepted, body);
    },
  });
  return { diffID: "sha256:" + hash.digest("hex"), size: opts.rules?.payloadSize ? payloadSize : size, payloadSize, tarSize };
}

/** A Buffer, a stream or a list of buffers as the async iterable of chunks the tar reader pulls from. */
export function chunksOf(tar: Uint8Array | NodeJS.ReadableStream | AsyncIterable<unknown> | Iterable<Uint8Array>): AsyncIterable<unknown> {
  if (tar instanceof Uint8Array) {
    return (async function* () {
      yield tar;
    })();
  }
  if (!(Symbol.asyncIterator in tar) && Symbol.iterator in tar) {
    const list = tar as Iterable<Uint8Array>;
    return (async function* () {
      yield* list;
    })();
  }
  return quietUntilRead(tar as AsyncIterable<unknown>);
}

/**
 * A stream is often read only once the store lock is held; an error it emits before then (a
 * file that does not exist) must not crash the process as an unhandled 'error' event. Reading
 * an errored stream still throws that error, so nothing is lost.
 */
export function quietUntilRead<T>(source: T): T {
  const s = source as { on?: (event: string, fn: (e: unknown) => void) => unknown; once?: (event: string, fn: (e: unknown) => void) => unknown };
  if (typeof s.once === "function") s.once("error", () => undefined);
  return source;
}

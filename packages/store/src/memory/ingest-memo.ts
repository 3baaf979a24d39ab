import { createHash, type Hash } from "node:crypto";
import type { IngestResult } from "../layer/ingest.js";
import type { LayerRules } from "../layer/policy.js";

/**
 * What ingesting a layer gave (diffID, sizes; the rules passed), remembered for the whole process
 * by a structural key of its chunks, so a memory store handed the same layer again (every
 * in-process build of the same Dockerfile whose layer does not depend on the clock: apt-single's
 * 12 MB) does not hash and walk it again.
 *
 * The key names every chunk over {@link BY_IDENTITY} bytes by which buffer it is a view of (the
 * ArrayBuffer, its offset and length), and every smaller chunk (headers, padding, small files) by
 * its bytes; with the rules, that makes the tar's bytes a pure function of the key only if no
 * buffer named by identity is ever modified. Only a caller that vouches for that
 * (`PutLayerOptions.immutableChunks`: a build's layer, whose buffers are views of a tree's file
 * contents, never rewritten in place) gets here. The digest remembered is one this process
 * computed from those very bytes, never a digest a caller or a registry claimed.
 */

/**
 * Chunks at least this long are keyed by identity, and so are those at least
 * {@link VIEW_BY_IDENTITY} long that are views into a larger buffer (a shared run of zeros, a
 * package's payload); shorter ones by content. A medium file with a buffer of its own is most
 * likely written afresh by every build (dpkg's status file), and its bytes are what recur.
 */
const BY_IDENTITY = 256 * 1024;
const VIEW_BY_IDENTITY = 16 * 1024;
/** Layers remembered; the oldest is forgotten first. */
const MAX_ENTRIES = 512;

/**
 * Hashing the key costs a pass over the chunks keyed by content; past this share of the tar it
 * would cost about what it can save (a layer of small files, new every build: `npm ci`'s), so such
 * a layer is not remembered at all.
 */
const MAX_CONTENT_SHARE = 0.25;

const seen = new Map<string, IngestResult>();

const ids = new WeakMap<ArrayBufferLike, number>();
let nextId = 1;

function idOf(buf: ArrayBufferLike): number {
  let id = ids.get(buf);
  if (id === undefined) ids.set(buf, (id = nextId++));
  return id;
}

function rulesText(rules: LayerRules): string {
  return JSON.stringify(rules, Object.keys(rules).sort());
}

/** The full key: an injective encoding of each chunk as its bytes or its buffer's identity. */
function keyOf(chunks: readonly Buffer[]): string {
  const h: Hash = createHash("sha256");
  const word = Buffer.allocUnsafe(21);
  for (const c of chunks) {
    if (!byIdentity(c)) {
      word[0] = 0;
      word.writeUInt32LE(c.length, 1);
      h.update(word.subarray(0, 5));
      h.update(c);
    } else {
      word[0] = 1;
      word.writeDoubleLE(idOf(c.buffer), 1);
      word.writeDoubleLE(c.byteOffset, 9);
      word.writeUInt32LE(c.length, 17);
      h.update(word);
    }
  }
  return h.digest("base64");
}

export interface MemoLookup {
  /** What the same layer gave before, if it was seen. */
  hit?: IngestResult;
  /** Call with what ingesting the chunks gave, to remember it (absent when not worth it). */
  remember?: (r: IngestResult) => void;
}

function byIdentity(c: Buffer): boolean {
  return c.length >= BY_IDENTITY || (c.length >= VIEW_BY_IDENTITY && c.byteLength !== c.buffer.byteLength);
}

export function lookupIngest(chunks: readonly Buffer[], rules: LayerRules): MemoLookup {
  let total = 0;
  let content = 0;
  for (const c of chunks) {
    total += c.length;
    if (!byIdentity(c)) content += c.length;
  }
  if (content > total * MAX_CONTENT_SHARE) return {};
  const key = rulesText(rules) + keyOf(chunks);
  const hit = seen.get(key);
  if (hit) {
    // Most recently used last, so the oldest is the one forgotten.
    seen.delete(key);
    seen.set(key, hit);
    return { hit: { ...hit } };
  }
  return {
    remember: (r) => {
      seen.set(key, { ...r });
      if (seen.size > MAX_ENTRIES) seen.delete(seen.keys().next().value!);
    },
  };
}

/** For tests: forget everything. */
export function clearIngestMemo(): void {
  seen.clear();
}

import { createHash, type Hash } from "node:crypto";
import type { IngestResult } from "../layer/ingest.js";
import type { LayerRules } from "../layer/policy.js";

/**
 * What ingesting a layer gave (diffID, sizes; the rules passed), remembered for the whole process
 * by a structural key of its chunks, so a memory store handed the same layer again (every
 * in-process build of the same Dockerfile: `apk add nodejs` is 54–64 MB) does not hash and walk
 * it again.
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
/** Chunks at most this long (tar headers, padding, tiny files) make up the cheap first key. */
const GATE_CONTENT = 1024;
/** Gates remembered, and layers per gate; the oldest is forgotten first. */
const MAX_ENTRIES = 512;
const MAX_PER_GATE = 8;

/**
 * Two levels, so a layer that never recurs (new mtimes every build: most of a build's own layers)
 * costs one cheap pass over its headers: the full key (which hashes every small file again) is
 * computed only once the gate — headers and the lengths of larger chunks — has been seen before.
 */
const seen = new Map<string, Map<string, IngestResult> | null>();

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

/** The gate: small chunks' bytes, larger ones' lengths, each tagged and length-prefixed. */
function gateOf(chunks: readonly Buffer[], rules: LayerRules): string {
  const h = createHash("sha256");
  h.update(rulesText(rules));
  const word = Buffer.allocUnsafe(5);
  for (const c of chunks) {
    const small = c.length <= GATE_CONTENT;
    word[0] = small ? 0 : 1;
    word.writeUInt32LE(c.length, 1);
    h.update(word);
    if (small) h.update(c);
  }
  return h.digest("base64");
}

/** The full key: an injective encoding of each chunk as its bytes or its buffer's identity. */
function keyOf(chunks: readonly Buffer[]): string {
  const h: Hash = createHash("sha256");
  const word = Buffer.allocUnsafe(21);
  for (const c of chunks) {
    if (c.length < BY_IDENTITY && (c.length < VIEW_BY_IDENTITY || c.byteLength === c.buffer.byteLength)) {
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

export function lookupIngest(chunks: readonly Buffer[], rules: LayerRules): MemoLookup {
  const gate = gateOf(chunks, rules);
  const known = seen.get(gate);
  if (known === undefined) {
    put(gate, null);
    return {};
  }
  const key = keyOf(chunks);
  const hit = known?.get(key);
  if (hit) return { hit };
  return {
    remember: (r) => {
      const m = seen.get(gate) ?? new Map<string, IngestResult>();
      m.set(key, { ...r });
      if (m.size > MAX_PER_GATE) m.delete(m.keys().next().value!);
      put(gate, m);
    },
  };
}

function put(gate: string, value: Map<string, IngestResult> | null): void {
  seen.delete(gate);
  seen.set(gate, value);
  if (seen.size > MAX_ENTRIES) seen.delete(seen.keys().next().value!);
}

/** For tests: forget everything. */
export function clearIngestMemo(): void {
  seen.clear();
}

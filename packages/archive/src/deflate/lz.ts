import { BitWriter } from "./bit-writer.js";
import { MAX_MATCH, MIN_MATCH, Trees } from "./trees.js";

/*
 * gzip 1.2.4's deflate.c (sliding window, hash chains, lazy matching), as GNU gzip 1.12 and
 * busybox's gzip.c still run it. The input is read the way the programs read a regular file:
 * 64 KiB first, then whatever fits the window. Bytes past the input stay in the window as
 * they do in C (zero at first, then older input), since a match search may compare them.
 */

const WSIZE = 0x8000;
const WMASK = WSIZE - 1;
const WINDOW_SIZE = 2 * WSIZE;
const MIN_LOOKAHEAD = MAX_MATCH + MIN_MATCH + 1;
const MAX_DIST = WSIZE - MIN_LOOKAHEAD;
const TOO_FAR = 4096;

/** One row of deflate.c's configuration_table. */
export interface LevelConfig {
  good: number;
  lazy: number;
  nice: number;
  chain: number;
}

/** How a gzip build was compiled and what it fixed since 1.2.4. */
export interface Engine {
  hashBits: number;
  litBufsize: number;
  distBufsize: number;
  /** GNU: levels 1-3 run deflate_fast (no lazy evaluation); busybox has no such path. */
  fastLevels: boolean;
  /** GNU checks strstart <= window_size - MIN_LOOKAHEAD before searching and zeroes 2 bytes past EOF. */
  gnuFixes: boolean;
}

export const GNU_LEVELS: readonly LevelConfig[] = [
  { good: 0, lazy: 0, nice: 0, chain: 0 },
  { good: 4, lazy: 4, nice: 8, chain: 4 },
  { good: 4, lazy: 5, nice: 16, chain: 8 },
  { good: 4, lazy: 6, nice: 32, chain: 32 },
  { good: 4, lazy: 4, nice: 16, chain: 16 },
  { good: 8, lazy: 16, nice: 32, chain: 32 },
  { good: 8, lazy: 16, nice: 128, chain: 128 },
  { good: 8, lazy: 32, nice: 128, chain: 256 },
  { good: 32, lazy: 128, nice: 258, chain: 1024 },
  { good: 32, lazy: 258, nice: 258, chain: 4096 },
];

/**
 * The compressor's memory: window, hash head and chains. A gzip process keeps one for all its
 * files (static arrays in GNU, one allocation in busybox), so the bytes a search may compare
 * past the end of one file are the previous file's; pass the same instance to reproduce that.
 */
export class DeflateState {
  readonly window = new Uint8Array(WINDOW_SIZE + MAX_MATCH + MIN_MATCH + 8);
  readonly prev = new Uint16Array(WSIZE);
  head: Uint16Array;

  constructor(readonly engine: Engine) {
    this.head = new Uint16Array(1 << engine.hashBits);
  }
}

/** The window's moving parts fill_window changes; the hot loops keep copies in locals. */
interface Cursor {
  input: Uint8Array;
  inPos: number;
  strstart: number;
  lookahead: number;
  blockStart: number;
  matchStart: number;
  eofile: boolean;
  gnu: boolean;
}

function read(c: Cursor, window: Uint8Array, at: number, size: number): number {
  const n = Math.min(size, c.input.length - c.inPos);
  if (n > 0) window.set(c.input.subarray(c.inPos, c.inPos + n), at);
  c.inPos += n;
  return n;
}

/** fill_window: slide the upper half down when strstart is deep enough, then read. */
function fillWindow(c: Cursor, s: DeflateState): void {
  const { window, prev, head } = s;
  let more = WINDOW_SIZE - c.lookahead - c.strstart;
  if (c.strstart >= WSIZE + MAX_DIST) {
    window.copyWithin(0, WSIZE, WINDOW_SIZE);
    c.matchStart -= WSIZE;
    c.strstart -= WSIZE;
    c.blockStart -= WSIZE;
    for (let n = 0; n < head.length; n++) {
      const m = head[n];
      head[n] = m >= WSIZE ? m - WSIZE : 0;
    }
    for (let n = 0; n < WSIZE; n++) {
      const m = prev[n];
      prev[n] = m >= WSIZE ? m - WSIZE : 0;
    }
    more += WSIZE;
  }
  if (!c.eofile) {
    const n = read(c, window, c.strstart + c.lookahead, more);
    if (n === 0) {
      c.eofile = true;
      // "Don't let garbage pollute the dictionary" (GNU only).
      if (c.gnu) window.fill(0, c.strstart + c.lookahead, c.strstart + c.lookahead + MIN_MATCH - 1);
    } else c.lookahead += n;
  }
}

/** Set by longestMatch when it finds a longer match (C's global match_start). */
let foundStart = 0;

/**
 * longest_match: walk the hash chain from curMatch for the longest match over prevLength,
 * at most `chain` links (a quarter once prevLength reaches `good`), stopping at `nice`.
 */
function longestMatch(window: Uint8Array, prev: Uint16Array, strstart: number, curMatch: number, prevLength: number, config: LevelConfig): number {
  let chainLength = config.chain;
  const nice = config.nice;
  const scan = strstart;
  let bestLen = prevLength;
  const limit = strstart > MAX_DIST ? strstart - MAX_DIST : 0;
  const strend = scan + MAX_MATCH;
  let scanEnd1 = window[scan + bestLen - 1];
  let scanEnd = window[scan + bestLen];
  const s0 = window[scan];
  const s1 = window[scan + 1];
  if (prevLength >= config.good) chainLength >>>= 2;
  do {
    const match = curMatch;
    if (window[match + bestLen] !== scanEnd || window[match + bestLen - 1] !== scanEnd1 || window[match] !== s0 || window[match + 1] !== s1) continue;
    // scan[2] is not compared: equal hashes and equal first two bytes imply it.
    let s = scan + 3;
    let m = match + 3;
    while (s < strend && window[s] === window[m]) s++, m++;
    const len = s - scan;
    if (len > bestLen) {
      foundStart = curMatch;
      bestLen = len;
      if (len >= nice) break;
      scanEnd1 = window[scan + bestLen - 1];
      scanEnd = window[scan + bestLen];
    }
  } while ((curMatch = prev[curMatch & WMASK]) > limit && --chainLength !== 0);
  return bestLen;
}

/** FLUSH_BLOCK: the block's bytes, unless they have already slid out of the window. */
function flushBlock(trees: Trees, window: Uint8Array, blockStart: number, strstart: number, eof: boolean): void {
  trees.flushBlock(blockStart >= 0 ? window.subarray(blockStart) : undefined, strstart - blockStart, eof);
}

/** Raw deflate data of `input` as the engine's deflate() writes it at `level` (1-9). */
export function deflateRaw(input: Uint8Array, level: number, engine: Engine, config: LevelConfig, state = new DeflateState(engine)): Uint8Array {
  if (state.engine !== engine) throw new Error("deflate state belongs to another engine");
  // Room for most outputs at once (it grows by doubling past that), within reason for huge inputs.
  const out = new BitWriter(Math.max(1024, Math.min(input.length + (input.length >>> 3), 1 << 26)));
  const fast = engine.fastLevels && level <= 3;
  const trees = new Trees(out, { litBufsize: engine.litBufsize, distBufsize: engine.distBufsize, estimate: !engine.gnuFixes || level > 2 });
  const { window, prev, head } = state;
  const hashMask = (1 << engine.hashBits) - 1;
  const hShift = Math.floor((engine.hashBits + MIN_MATCH - 1) / MIN_MATCH);
  const gnu = engine.gnuFixes;
  const maxLazy = config.lazy;
  const c: Cursor = { input, inPos: 0, strstart: 0, lookahead: 0, blockStart: 0, matchStart: 0, eofile: false, gnu };

  // lm_init
  head.fill(0);
  let insH = 0;
  c.lookahead = read(c, window, 0, WINDOW_SIZE);
  if (c.lookahead === 0) c.eofile = true;
  else {
    while (c.lookahead < MIN_LOOKAHEAD && !c.eofile) fillWindow(c, state);
    for (let j = 0; j < MIN_MATCH - 1; j++) insH = ((insH << hShift) ^ window[j]) & hashMask;
  }

  let strstart = c.strstart;
  let lookahead = c.lookahead;
  let blockStart = c.blockStart;
  let hashHead = 0;
  foundStart = 0;

  if (fast) {
    // deflate_fast: take a match as soon as it is found.
    let matchLength = 0;
    while (lookahead !== 0) {
      insH = ((insH << hShift) ^ window[strstart + 2]) & hashMask;
      hashHead = head[insH];
      prev[strstart & WMASK] = hashHead;
      head[insH] = strstart;
      if (hashHead !== 0 && strstart - hashHead <= MAX_DIST && strstart <= WINDOW_SIZE - MIN_LOOKAHEAD) {
        matchLength = longestMatch(window, prev, strstart, hashHead, MIN_MATCH - 1, config);
        if (matchLength > lookahead) matchLength = lookahead;
      }
      let doFlush: boolean;
      if (matchLength >= MIN_MATCH) {
        doFlush = trees.tally(strstart - foundStart, matchLength - MIN_MATCH, strstart - blockStart);
        lookahead -= matchLength;
        if (matchLength <= maxLazy) {
          matchLength--;
          do {
            strstart++;
            insH = ((insH << hShift) ^ window[strstart + 2]) & hashMask;
            prev[strstart & WMASK] = head[insH];
            head[insH] = strstart;
          } while (--matchLength !== 0);
          strstart++;
        } else {
          strstart += matchLength;
          matchLength = 0;
          insH = window[strstart];
          insH = ((insH << hShift) ^ window[strstart + 1]) & hashMask;
        }
      } else {
        doFlush = trees.tally(0, window[strstart], strstart - blockStart);
        lookahead--;
        strstart++;
      }
      if (doFlush) {
        flushBlock(trees, window, blockStart, strstart, false);
        blockStart = strstart;
      }
      if (lookahead < MIN_LOOKAHEAD && !c.eofile) {
        // The locals are C's globals: hand them over for the rare fill_window.
        c.strstart = strstart, c.lookahead = lookahead, c.blockStart = blockStart, c.matchStart = foundStart;
        while (c.lookahead < MIN_LOOKAHEAD && !c.eofile) fillWindow(c, state);
        strstart = c.strstart, lookahead = c.lookahead, blockStart = c.blockStart, foundStart = c.matchStart;
      }
    }
    flushBlock(trees, window, blockStart, strstart, true);
    return out.bytes();
  }

  // deflate: lazy evaluation of matches.
  let matchAvailable = false;
  let matchLength = MIN_MATCH - 1;
  while (lookahead !== 0) {
    insH = ((insH << hShift) ^ window[strstart + 2]) & hashMask;
    hashHead = head[insH];
    prev[strstart & WMASK] = hashHead;
    head[insH] = strstart;
    let prevLength = matchLength;
    const prevMatch = foundStart;
    matchLength = MIN_MATCH - 1;
    if (hashHead !== 0 && prevLength < maxLazy && strstart - hashHead <= MAX_DIST && (!gnu || strstart <= WINDOW_SIZE - MIN_LOOKAHEAD)) {
      matchLength = longestMatch(window, prev, strstart, hashHead, prevLength, config);
      if (matchLength > lookahead) matchLength = lookahead;
      if (matchLength === MIN_MATCH && strstart - foundStart > TOO_FAR) matchLength--;
    }
    if (prevLength >= MIN_MATCH && matchLength <= prevLength) {
      const doFlush = trees.tally(strstart - 1 - prevMatch, prevLength - MIN_MATCH, strstart - blockStart);
      lookahead -= prevLength - 1;
      prevLength -= 2;
      do {
        strstart++;
        insH = ((insH << hShift) ^ window[strstart + 2]) & hashMask;
        prev[strstart & WMASK] = head[insH];
        head[insH] = strstart;
      } while (--prevLength !== 0);
      matchAvailable = false;
      matchLength = MIN_MATCH - 1;
      strstart++;
      if (doFlush) {
        flushBlock(trees, window, blockStart, strstart, false);
        blockStart = strstart;
      }
    } else if (matchAvailable) {
      if (trees.tally(0, window[strstart - 1], strstart - blockStart)) {
        flushBlock(trees, window, blockStart, strstart, false);
        blockStart = strstart;
      }
      strstart++;
      lookahead--;
    } else {
      matchAvailable = true;
      strstart++;
      lookahead--;
    }
    if (lookahead < MIN_LOOKAHEAD && !c.eofile) {
      c.strstart = strstart, c.lookahead = lookahead, c.blockStart = blockStart, c.matchStart = foundStart;
      while (c.lookahead < MIN_LOOKAHEAD && !c.eofile) fillWindow(c, state);
      strstart = c.strstart, lookahead = c.lookahead, blockStart = c.blockStart, foundStart = c.matchStart;
    }
  }
  if (matchAvailable) trees.tally(0, window[strstart - 1], strstart - blockStart);
  flushBlock(trees, window, blockStart, strstart, true);
  return out.bytes();
}

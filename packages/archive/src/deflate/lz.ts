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

/** Raw deflate data of `input` as the engine's deflate() writes it at `level` (1-9). */
export function deflateRaw(input: Uint8Array, level: number, engine: Engine, config: LevelConfig, state = new DeflateState(engine)): Uint8Array {
  if (state.engine !== engine) throw new Error("deflate state belongs to another engine");
  const out = new BitWriter(Math.max(1024, input.length + (input.length >>> 3)));
  const fast = engine.fastLevels && level <= 3;
  const trees = new Trees(out, { litBufsize: engine.litBufsize, distBufsize: engine.distBufsize, estimate: !engine.gnuFixes || level > 2 });
  const { window, prev } = state;
  const head = state.head;
  const hashMask = (1 << engine.hashBits) - 1;
  const hShift = Math.floor((engine.hashBits + MIN_MATCH - 1) / MIN_MATCH);
  const gnu = engine.gnuFixes;
  const maxLazy = config.lazy;
  const goodMatch = config.good;
  const niceMatch = config.nice;
  const maxChain = config.chain;

  let inPos = 0;
  const read = (at: number, size: number): number => {
    const n = Math.min(size, input.length - inPos);
    if (n > 0) window.set(input.subarray(inPos, inPos + n), at);
    inPos += n;
    return n;
  };

  let strstart = 0;
  let blockStart = 0;
  let lookahead = 0;
  let eofile = false;
  let insH = 0;
  let prevLength = 0;
  let matchStart = 0;

  const fillWindow = (): void => {
    let more = WINDOW_SIZE - lookahead - strstart;
    if (strstart >= WSIZE + MAX_DIST) {
      window.copyWithin(0, WSIZE, WINDOW_SIZE);
      matchStart -= WSIZE;
      strstart -= WSIZE;
      blockStart -= WSIZE;
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
    if (!eofile) {
      const n = read(strstart + lookahead, more);
      if (n === 0) {
        eofile = true;
        // "Don't let garbage pollute the dictionary" (GNU only).
        if (gnu) window.fill(0, strstart + lookahead, strstart + lookahead + MIN_MATCH - 1);
      } else lookahead += n;
    }
  };

  const longestMatch = (curMatch: number): number => {
    let chainLength = maxChain;
    const scan = strstart;
    let bestLen = prevLength;
    const limit = strstart > MAX_DIST ? strstart - MAX_DIST : 0;
    const strend = scan + MAX_MATCH;
    let scanEnd1 = window[scan + bestLen - 1];
    let scanEnd = window[scan + bestLen];
    const s0 = window[scan];
    const s1 = window[scan + 1];
    if (prevLength >= goodMatch) chainLength >>>= 2;
    do {
      const match = curMatch;
      if (window[match + bestLen] !== scanEnd || window[match + bestLen - 1] !== scanEnd1 || window[match] !== s0 || window[match + 1] !== s1) continue;
      // scan[2] is not compared: equal hashes and equal first two bytes imply it.
      let s = scan + 3;
      let m = match + 3;
      while (s < strend && window[s] === window[m]) s++, m++;
      const len = s - scan;
      if (len > bestLen) {
        matchStart = curMatch;
        bestLen = len;
        if (len >= niceMatch) break;
        scanEnd1 = window[scan + bestLen - 1];
        scanEnd = window[scan + bestLen];
      }
    } while ((curMatch = prev[curMatch & WMASK]) > limit && --chainLength !== 0);
    return bestLen;
  };

  const flush = (eof: boolean): void => {
    trees.flushBlock(blockStart >= 0 ? window.subarray(blockStart) : undefined, strstart - blockStart, eof);
  };

  // lm_init
  head.fill(0);
  lookahead = read(0, WINDOW_SIZE);
  if (lookahead === 0) {
    eofile = true;
  } else {
    while (lookahead < MIN_LOOKAHEAD && !eofile) fillWindow();
    for (let j = 0; j < MIN_MATCH - 1; j++) insH = ((insH << hShift) ^ window[j]) & hashMask;
  }

  let hashHead = 0;
  const insertString = (s: number): void => {
    insH = ((insH << hShift) ^ window[s + MIN_MATCH - 1]) & hashMask;
    hashHead = head[insH];
    prev[s & WMASK] = hashHead;
    head[insH] = s;
  };

  if (fast) {
    // deflate_fast: take a match as soon as it is found.
    let matchLength = 0;
    prevLength = MIN_MATCH - 1;
    while (lookahead !== 0) {
      insertString(strstart);
      if (hashHead !== 0 && strstart - hashHead <= MAX_DIST && strstart <= WINDOW_SIZE - MIN_LOOKAHEAD) {
        matchLength = longestMatch(hashHead);
        if (matchLength > lookahead) matchLength = lookahead;
      }
      let doFlush: boolean;
      if (matchLength >= MIN_MATCH) {
        doFlush = trees.tally(strstart - matchStart, matchLength - MIN_MATCH, strstart - blockStart);
        lookahead -= matchLength;
        if (matchLength <= maxLazy) {
          matchLength--;
          do {
            strstart++;
            insertString(strstart);
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
        flush(false);
        blockStart = strstart;
      }
      while (lookahead < MIN_LOOKAHEAD && !eofile) fillWindow();
    }
    flush(true);
    return out.bytes();
  }

  // deflate: lazy evaluation of matches.
  let matchAvailable = false;
  let matchLength = MIN_MATCH - 1;
  while (lookahead !== 0) {
    insertString(strstart);
    prevLength = matchLength;
    const prevMatch = matchStart;
    matchLength = MIN_MATCH - 1;
    if (hashHead !== 0 && prevLength < maxLazy && strstart - hashHead <= MAX_DIST && (!gnu || strstart <= WINDOW_SIZE - MIN_LOOKAHEAD)) {
      matchLength = longestMatch(hashHead);
      if (matchLength > lookahead) matchLength = lookahead;
      if (matchLength === MIN_MATCH && strstart - matchStart > TOO_FAR) matchLength--;
    }
    if (prevLength >= MIN_MATCH && matchLength <= prevLength) {
      const doFlush = trees.tally(strstart - 1 - prevMatch, prevLength - MIN_MATCH, strstart - blockStart);
      lookahead -= prevLength - 1;
      prevLength -= 2;
      do {
        strstart++;
        insertString(strstart);
      } while (--prevLength !== 0);
      matchAvailable = false;
      matchLength = MIN_MATCH - 1;
      strstart++;
      if (doFlush) {
        flush(false);
        blockStart = strstart;
      }
    } else if (matchAvailable) {
      if (trees.tally(0, window[strstart - 1], strstart - blockStart)) {
        flush(false);
        blockStart = strstart;
      }
      strstart++;
      lookahead--;
    } else {
      matchAvailable = true;
      strstart++;
      lookahead--;
    }
    while (lookahead < MIN_LOOKAHEAD && !eofile) fillWindow();
  }
  if (matchAvailable) trees.tally(0, window[strstart - 1], strstart - blockStart);
  flush(true);
  return out.bytes();
}

import type { BitWriter } from "./bit-writer.js";

/*
 * The block encoder of gzip 1.2.4's trees.c, which GNU gzip 1.12 and busybox's gzip.c both
 * still run: the same Huffman construction (heap order, depth tie-break, overflow repair), the
 * same bit-length tree scan and the same choice between stored, static and dynamic blocks, so
 * that the bytes come out as theirs do. zlib's trees.c is a descendant, not the same code.
 */

const MAX_BITS = 15;
const MAX_BL_BITS = 7;
const LENGTH_CODES = 29;
const LITERALS = 256;
const END_BLOCK = 256;
const L_CODES = LITERALS + 1 + LENGTH_CODES;
const D_CODES = 30;
const BL_CODES = 19;
const HEAP_SIZE = 2 * L_CODES + 1;
const REP_3_6 = 16;
const REPZ_3_10 = 17;
const REPZ_11_138 = 18;
const STORED_BLOCK = 0;
const STATIC_TREES = 1;
const DYN_TREES = 2;
export const MIN_MATCH = 3;
export const MAX_MATCH = 258;

const extraLbits = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]);
const extraDbits = Int32Array.from([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]);
const extraBlbits = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7]);
const blOrder = Uint8Array.from([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

/** A code tree: Freq/Code and Dad/Len are unions in C; nothing reads one after writing the other. */
interface Tree {
  freq: Uint32Array;
  code: Uint16Array;
  dad: Uint16Array;
  len: Uint16Array;
}

function tree(size: number): Tree {
  return { freq: new Uint32Array(size), code: new Uint16Array(size), dad: new Uint16Array(size), len: new Uint16Array(size) };
}

interface Desc {
  tree: Tree;
  stree: Tree | undefined;
  extra: Int32Array;
  extraBase: number;
  elems: number;
  maxLength: number;
  maxCode: number;
}

function biReverse(code: number, len: number): number {
  let res = 0;
  do {
    res |= code & 1;
    code >>>= 1;
    res <<= 1;
  } while (--len > 0);
  return res >>> 1;
}

const lengthCode = new Uint8Array(MAX_MATCH - MIN_MATCH + 1);
const distCode = new Uint8Array(512);
const baseLength = new Int32Array(LENGTH_CODES);
const baseDist = new Int32Array(D_CODES);
const staticLtree = tree(L_CODES + 2);
const staticDtree = tree(D_CODES);

function genCodes(t: Tree, maxCode: number, blCount: Uint16Array): void {
  const nextCode = new Uint16Array(MAX_BITS + 1);
  let code = 0;
  for (let bits = 1; bits <= MAX_BITS; bits++) nextCode[bits] = code = ((code + blCount[bits - 1]) << 1) & 0xffff;
  for (let n = 0; n <= maxCode; n++) {
    const len = t.len[n];
    if (len === 0) continue;
    t.code[n] = biReverse(nextCode[len]++, len);
  }
}

// ct_init's tables, once.
{
  let length = 0;
  let code = 0;
  for (code = 0; code < LENGTH_CODES - 1; code++) {
    baseLength[code] = length;
    for (let n = 0; n < 1 << extraLbits[code]; n++) lengthCode[length++] = code;
  }
  // Length 258 has code 285 of its own, overwriting the last entry of code 284.
  lengthCode[length - 1] = code;
  let dist = 0;
  for (code = 0; code < 16; code++) {
    baseDist[code] = dist;
    for (let n = 0; n < 1 << extraDbits[code]; n++) distCode[dist++] = code;
  }
  dist >>= 7;
  for (; code < D_CODES; code++) {
    baseDist[code] = dist << 7;
    for (let n = 0; n < 1 << (extraDbits[code] - 7); n++) distCode[256 + dist++] = code;
  }
  const blCount = new Uint16Array(MAX_BITS + 1);
  let n = 0;
  while (n <= 143) (staticLtree.len[n++] = 8), blCount[8]++;
  while (n <= 255) (staticLtree.len[n++] = 9), blCount[9]++;
  while (n <= 279) (staticLtree.len[n++] = 7), blCount[7]++;
  while (n <= 287) (staticLtree.len[n++] = 8), blCount[8]++;
  genCodes(staticLtree, L_CODES + 1, blCount);
  for (n = 0; n < D_CODES; n++) {
    staticDtree.len[n] = 5;
    staticDtree.code[n] = biReverse(n, 5);
  }
}

const dCode = (dist: number): number => (dist < 256 ? distCode[dist] : distCode[256 + (dist >> 7)]);

export interface TreeOptions {
  /** LIT_BUFSIZE: symbols per block at most (one less, in fact). */
  litBufsize: number;
  /** DIST_BUFSIZE: matches per block at most. */
  distBufsize: number;
  /** Whether ct_tally may end a block early on its 4096-symbol estimate (GNU: level > 2). */
  estimate: boolean;
}

export class Trees {
  private readonly dynL = tree(HEAP_SIZE);
  private readonly dynD = tree(2 * D_CODES + 1);
  private readonly bl = tree(2 * BL_CODES + 1);
  private readonly lDesc: Desc;
  private readonly dDesc: Desc;
  private readonly blDesc: Desc;
  private readonly blCount = new Uint16Array(MAX_BITS + 1);
  private readonly heap = new Int32Array(2 * L_CODES + 1);
  private heapLen = 0;
  private heapMax = 0;
  private readonly depth = new Uint8Array(2 * L_CODES + 1);
  private readonly lBuf: Uint8Array;
  private readonly dBuf: Uint16Array;
  private readonly flagBuf: Uint8Array;
  private lastLit = 0;
  private lastDist = 0;
  private lastFlags = 0;
  private flags = 0;
  private flagBit = 1;
  private optLen = 0;
  private staticLen = 0;

  constructor(private readonly out: BitWriter, private readonly o: TreeOptions) {
    this.lBuf = new Uint8Array(o.litBufsize);
    this.dBuf = new Uint16Array(o.distBufsize);
    this.flagBuf = new Uint8Array(o.litBufsize / 8 + 1);
    this.lDesc = { tree: this.dynL, stree: staticLtree, extra: extraLbits, extraBase: LITERALS + 1, elems: L_CODES, maxLength: MAX_BITS, maxCode: 0 };
    this.dDesc = { tree: this.dynD, stree: staticDtree, extra: extraDbits, extraBase: 0, elems: D_CODES, maxLength: MAX_BITS, maxCode: 0 };
    this.blDesc = { tree: this.bl, stree: undefined, extra: extraBlbits, extraBase: 0, elems: BL_CODES, maxLength: MAX_BL_BITS, maxCode: 0 };
    this.initBlock();
  }

  private initBlock(): void {
    this.dynL.freq.fill(0, 0, L_CODES);
    this.dynD.freq.fill(0, 0, D_CODES);
    this.bl.freq.fill(0, 0, BL_CODES);
    this.dynL.freq[END_BLOCK] = 1;
    this.optLen = this.staticLen = 0;
    this.lastLit = this.lastDist = this.lastFlags = 0;
    this.flags = 0;
    this.flagBit = 1;
  }

  /**
   * ct_tally: record a literal (dist 0) or a match (lc = length - 3); true when the block
   * should end here. `inLength` is strstart - block_start, for the early-end estimate.
   */
  tally(dist: number, lc: number, inLength: number): boolean {
    this.lBuf[this.lastLit++] = lc;
    if (dist === 0) this.dynL.freq[lc]++;
    else {
      dist--;
      this.dynL.freq[lengthCode[lc] + LITERALS + 1]++;
      this.dynD.freq[dCode(dist)]++;
      this.dBuf[this.lastDist++] = dist;
      this.flags |= this.flagBit;
    }
    this.flagBit = (this.flagBit << 1) & 0xff;
    if ((this.lastLit & 7) === 0) {
      this.flagBuf[this.lastFlags++] = this.flags;
      this.flags = 0;
      this.flagBit = 1;
    }
    if (this.o.estimate && (this.lastLit & 0xfff) === 0) {
      let outLength = this.lastLit * 8;
      for (let dcode = 0; dcode < D_CODES; dcode++) outLength += this.dynD.freq[dcode] * (5 + extraDbits[dcode]);
      outLength = Math.floor(outLength / 8);
      if (this.lastDist < this.lastLit >>> 1 && outLength < Math.floor(inLength / 2)) return true;
    }
    return this.lastLit === this.o.litBufsize - 1 || this.lastDist === this.o.distBufsize;
  }

  private smaller(t: Tree, n: number, m: number): boolean {
    const fn = t.freq[n];
    const fm = t.freq[m];
    return fn < fm || (fn === fm && this.depth[n] <= this.depth[m]);
  }

  private pqdownheap(t: Tree, k: number): void {
    const heap = this.heap;
    const v = heap[k];
    let j = k << 1;
    while (j <= this.heapLen) {
      if (j < this.heapLen && this.smaller(t, heap[j + 1], heap[j])) j++;
      if (this.smaller(t, v, heap[j])) break;
      heap[k] = heap[j];
      k = j;
      j <<= 1;
    }
    heap[k] = v;
  }

  private genBitlen(desc: Desc): void {
    const t = desc.tree;
    const { extra, extraBase: base, maxCode, maxLength, stree } = desc;
    const blCount = this.blCount;
    const heap = this.heap;
    let overflow = 0;
    blCount.fill(0);
    t.len[heap[this.heapMax]] = 0;
    let h: number;
    for (h = this.heapMax + 1; h < HEAP_SIZE; h++) {
      const n = heap[h];
      let bits = t.len[t.dad[n]] + 1;
      if (bits > maxLength) (bits = maxLength), overflow++;
      t.len[n] = bits;
      if (n > maxCode) continue;
      blCount[bits]++;
      let xbits = 0;
      if (n >= base) xbits = extra[n - base];
      const f = t.freq[n];
      this.optLen += f * (bits + xbits);
      if (stree) this.staticLen += f * (stree.len[n] + xbits);
    }
    if (overflow === 0) return;
    do {
      let bits = maxLength - 1;
      while (blCount[bits] === 0) bits--;
      blCount[bits]--;
      blCount[bits + 1] += 2;
      blCount[maxLength]--;
      overflow -= 2;
    } while (overflow > 0);
    for (let bits = maxLength; bits !== 0; bits--) {
      let n = blCount[bits];
      while (n !== 0) {
        const m = heap[--h];
        if (m > maxCode) continue;
        if (t.len[m] !== bits) {
          this.optLen += (bits - t.len[m]) * t.freq[m];
          t.len[m] = bits;
        }
        n--;
      }
    }
  }

  private buildTree(desc: Desc): void {
    const t = desc.tree;
    const stree = desc.stree;
    const elems = desc.elems;
    const heap = this.heap;
    const depth = this.depth;
    let maxCode = -1;
    let node = elems;
    this.heapLen = 0;
    this.heapMax = HEAP_SIZE;
    for (let n = 0; n < elems; n++) {
      if (t.freq[n] !== 0) {
        heap[++this.heapLen] = maxCode = n;
        depth[n] = 0;
      } else t.len[n] = 0;
    }
    // At least two codes of non-zero frequency, as pkzip requires.
    while (this.heapLen < 2) {
      const nw = (heap[++this.heapLen] = maxCode < 2 ? ++maxCode : 0);
      t.freq[nw] = 1;
      depth[nw] = 0;
      this.optLen--;
      if (stree) this.staticLen -= stree.len[nw];
    }
    desc.maxCode = maxCode;
    for (let n = this.heapLen >> 1; n >= 1; n--) this.pqdownheap(t, n);
    do {
      const n = heap[1];
      heap[1] = heap[this.heapLen--];
      this.pqdownheap(t, 1);
      const m = heap[1];
      heap[--this.heapMax] = n;
      heap[--this.heapMax] = m;
      t.freq[node] = t.freq[n] + t.freq[m];
      depth[node] = (Math.max(depth[n], depth[m]) + 1) & 0xff;
      t.dad[n] = t.dad[m] = node;
      heap[1] = node++;
      this.pqdownheap(t, 1);
    } while (this.heapLen >= 2);
    heap[--this.heapMax] = heap[1];
    this.genBitlen(desc);
    genCodes(t, maxCode, this.blCount);
  }

  private scanTree(t: Tree, maxCode: number): void {
    const bl = this.bl.freq;
    let prevlen = -1;
    let nextlen = t.len[0];
    let count = 0;
    let maxCount = 7;
    let minCount = 4;
    if (nextlen === 0) (maxCount = 138), (minCount = 3);
    t.len[maxCode + 1] = 0xffff;
    for (let n = 0; n <= maxCode; n++) {
      const curlen = nextlen;
      nextlen = t.len[n + 1];
      if (++count < maxCount && curlen === nextlen) continue;
      else if (count < minCount) bl[curlen] += count;
      else if (curlen !== 0) {
        if (curlen !== prevlen) bl[curlen]++;
        bl[REP_3_6]++;
      } else if (count <= 10) bl[REPZ_3_10]++;
      else bl[REPZ_11_138]++;
      count = 0;
      prevlen = curlen;
      if (nextlen === 0) (maxCount = 138), (minCount = 3);
      else if (curlen === nextlen) (maxCount = 6), (minCount = 3);
      else (maxCount = 7), (minCount = 4);
    }
  }

  private sendCode(c: number, t: Tree): void {
    this.out.sendBits(t.code[c], t.len[c]);
  }

  private sendTree(t: Tree, maxCode: number): void {
    let prevlen = -1;
    let nextlen = t.len[0];
    let count = 0;
    let maxCount = 7;
    let minCount = 4;
    if (nextlen === 0) (maxCount = 138), (minCount = 3);
    for (let n = 0; n <= maxCode; n++) {
      const curlen = nextlen;
      nextlen = t.len[n + 1];
      if (++count < maxCount && curlen === nextlen) continue;
      else if (count < minCount) {
        do this.sendCode(curlen, this.bl);
        while (--count !== 0);
      } else if (curlen !== 0) {
        if (curlen !== prevlen) {
          this.sendCode(curlen, this.bl);
          count--;
        }
        this.sendCode(REP_3_6, this.bl);
        this.out.sendBits(count - 3, 2);
      } else if (count <= 10) {
        this.sendCode(REPZ_3_10, this.bl);
        this.out.sendBits(count - 3, 3);
      } else {
        this.sendCode(REPZ_11_138, this.bl);
        this.out.sendBits(count - 11, 7);
      }
      count = 0;
      prevlen = curlen;
      if (nextlen === 0) (maxCount = 138), (minCount = 3);
      else if (curlen === nextlen) (maxCount = 6), (minCount = 3);
      else (maxCount = 7), (minCount = 4);
    }
  }

  private buildBlTree(): number {
    this.scanTree(this.dynL, this.lDesc.maxCode);
    this.scanTree(this.dynD, this.dDesc.maxCode);
    this.buildTree(this.blDesc);
    let maxBlindex: number;
    for (maxBlindex = BL_CODES - 1; maxBlindex >= 3; maxBlindex--) if (this.bl.len[blOrder[maxBlindex]] !== 0) break;
    this.optLen += 3 * (maxBlindex + 1) + 5 + 5 + 4;
    return maxBlindex;
  }

  private sendAllTrees(lcodes: number, dcodes: number, blcodes: number): void {
    this.out.sendBits(lcodes - 257, 5);
    this.out.sendBits(dcodes - 1, 5);
    this.out.sendBits(blcodes - 4, 4);
    for (let rank = 0; rank < blcodes; rank++) this.out.sendBits(this.bl.len[blOrder[rank]], 3);
    this.sendTree(this.dynL, lcodes - 1);
    this.sendTree(this.dynD, dcodes - 1);
  }

  private compressBlock(ltree: Tree, dtree: Tree): void {
    const out = this.out;
    let lx = 0;
    let dx = 0;
    let fx = 0;
    let flag = 0;
    if (this.lastLit !== 0) {
      do {
        if ((lx & 7) === 0) flag = this.flagBuf[fx++];
        let lc = this.lBuf[lx++];
        if ((flag & 1) === 0) out.sendBits(ltree.code[lc], ltree.len[lc]);
        else {
          let code = lengthCode[lc];
          out.sendBits(ltree.code[code + LITERALS + 1], ltree.len[code + LITERALS + 1]);
          let extra = extraLbits[code];
          if (extra !== 0) {
            lc -= baseLength[code];
            out.sendBits(lc, extra);
          }
          let dist = this.dBuf[dx++];
          code = dCode(dist);
          out.sendBits(dtree.code[code], dtree.len[code]);
          extra = extraDbits[code];
          if (extra !== 0) {
            dist -= baseDist[code];
            out.sendBits(dist, extra);
          }
        }
        flag >>= 1;
      } while (lx < this.lastLit);
    }
    out.sendBits(ltree.code[END_BLOCK], ltree.len[END_BLOCK]);
  }

  /**
   * flush_block: end the block holding `storedLen` input bytes (`buf`, or undefined once they
   * have slid out of the window) as the smallest of stored, static or dynamic. Neither gzip can
   * seek its output, so the whole-file "stored" method never applies.
   */
  flushBlock(buf: Uint8Array | undefined, storedLen: number, eof: boolean): void {
    this.flagBuf[this.lastFlags] = this.flags;
    this.buildTree(this.lDesc);
    this.buildTree(this.dDesc);
    const maxBlindex = this.buildBlTree();
    let optLenb = Math.floor((this.optLen + 3 + 7) / 8);
    const staticLenb = Math.floor((this.staticLen + 3 + 7) / 8);
    if (staticLenb <= optLenb) optLenb = staticLenb;
    const last = eof ? 1 : 0;
    if (storedLen + 4 <= optLenb && buf !== undefined) {
      this.out.sendBits((STORED_BLOCK << 1) + last, 3);
      this.out.copyBlock(buf.subarray(0, storedLen), true);
    } else if (staticLenb === optLenb) {
      this.out.sendBits((STATIC_TREES << 1) + last, 3);
      this.compressBlock(staticLtree, staticDtree);
    } else {
      this.out.sendBits((DYN_TREES << 1) + last, 3);
      this.sendAllTrees(this.lDesc.maxCode + 1, this.dDesc.maxCode + 1, maxBlindex + 1);
      this.compressBlock(this.dynL, this.dynD);
    }
    this.initBlock();
    if (eof) this.out.windup();
  }
}

/**
 * CRC-64 with the ISO polynomial, as Go's hash/crc64 (crc64.MakeTable(crc64.ISO)), which
 * tar-split stores per file. Every byte of every layer passes through here, so it is computed
 * "slicing-by-8" (eight bytes per step through eight derived tables, as Go's own update does for
 * long inputs), with the 64-bit register kept as two 32-bit halves so no BigInt is involved.
 */
import { loadWasmCrc64, type WasmCrc64 } from "./crc64-wasm.js";

const SLICES = 8;
// Table k, entry i: TABLE_LO[k * 256 + i] / TABLE_HI[k * 256 + i].
const TABLE_HI = new Uint32Array(SLICES * 256);
const TABLE_LO = new Uint32Array(SLICES * 256);
{
  // Reversed ISO polynomial 0xD800000000000000: only the high word is non-zero.
  const POLY_HI = 0xd8000000;
  for (let i = 0; i < 256; i++) {
    let hi = 0;
    let lo = i;
    for (let k = 0; k < 8; k++) {
      const lsb = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (lsb) hi = (hi ^ POLY_HI) >>> 0;
    }
    TABLE_HI[i] = hi;
    TABLE_LO[i] = lo;
  }
  // Table k is table k-1 advanced by one more zero byte.
  for (let k = 1; k < SLICES; k++) {
    for (let i = 0; i < 256; i++) {
      const hi = TABLE_HI[(k - 1) * 256 + i];
      const lo = TABLE_LO[(k - 1) * 256 + i];
      const idx = lo & 0xff;
      TABLE_LO[k * 256 + i] = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[idx]) >>> 0;
      TABLE_HI[k * 256 + i] = ((hi >>> 8) ^ TABLE_HI[idx]) >>> 0;
    }
  }
}

/** Below this many bytes, the JavaScript loop beats the copy into WebAssembly's memory. */
const WASM_MIN = 256;
let wasm: WasmCrc64 | undefined | null = null;

export class Crc64 {
  // Go inverts the register before and after; start from the inverted zero.
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(data: Uint8Array): this {
    if (data.length >= WASM_MIN) {
      if (wasm === null) wasm = loadWasmCrc64(TABLE_HI, TABLE_LO);
      if (wasm) {
        [this.hi, this.lo] = wasm.update(this.hi, this.lo, data);
        return this;
      }
    }
    let hi = this.hi;
    let lo = this.lo;
    const n = data.length;
    const tl = TABLE_LO;
    const th = TABLE_HI;
    let i = 0;
    for (const end = n - (n % 8); i < end; i += 8) {
      const a = (lo ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
      const b = (hi ^ (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24))) >>> 0;
      const i0 = 7 * 256 + (a & 0xff);
      const i1 = 6 * 256 + ((a >>> 8) & 0xff);
      const i2 = 5 * 256 + ((a >>> 16) & 0xff);
      const i3 = 4 * 256 + (a >>> 24);
      const i4 = 3 * 256 + (b & 0xff);
      const i5 = 2 * 256 + ((b >>> 8) & 0xff);
      const i6 = 256 + ((b >>> 16) & 0xff);
      const i7 = b >>> 24;
      lo = (tl[i0] ^ tl[i1] ^ tl[i2] ^ tl[i3] ^ tl[i4] ^ tl[i5] ^ tl[i6] ^ tl[i7]) >>> 0;
      hi = (th[i0] ^ th[i1] ^ th[i2] ^ th[i3] ^ th[i4] ^ th[i5] ^ th[i6] ^ th[i7]) >>> 0;
    }
    for (; i < n; i++) {
      const idx = (lo ^ data[i]) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ tl[idx]) >>> 0;
      hi = ((hi >>> 8) ^ th[idx]) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  /** The 8-byte big-endian sum, as hash.Hash64.Sum appends it. */
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return out;
  }
}

export function crc64(data: Uint8Array): Buffer {
  return new Crc64().update(data).digest();
}

/**
 * CRC-64 with the ISO polynomial, as Go's hash/crc64 (crc64.MakeTable(crc64.ISO)), which
 * tar-split stores per file. Kept as two 32-bit halves so the hot loop avoids BigInt.
 */
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
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
}

export class Crc64 {
  // Go inverts the register before and after; start from the inverted zero.
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(data: Uint8Array): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < data.length; i++) {
      const idx = (lo ^ data[i]) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[idx]) >>> 0;
      hi = ((hi >>> 8) ^ TABLE_HI[idx]) >>> 0;
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

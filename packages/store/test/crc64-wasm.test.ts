import { describe, expect, it } from "vitest";
import { Crc64, crc64 } from "../src/tarsplit/crc64.js";

/** The JavaScript loop: fed below the size from which crc64.ts hands data to WebAssembly. */
function inSmallPieces(data: Uint8Array): string {
  const c = new Crc64();
  for (let i = 0; i < data.length; i += 200) c.update(data.subarray(i, i + 200));
  return c.digest().toString("hex");
}

/** CRC-64/GO-ISO with BigInt, table-driven: the reference at every length. */
const TABLE = Array.from({ length: 256 }, (_, i) => {
  let c = BigInt(i);
  for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ 0xd800000000000000n : c >> 1n;
  return c;
});
function reference(data: Uint8Array): string {
  let crc = 0xffffffffffffffffn;
  for (const byte of data) crc = TABLE[Number((crc ^ BigInt(byte)) & 0xffn)] ^ (crc >> 8n);
  return (crc ^ 0xffffffffffffffffn).toString(16).padStart(16, "0");
}

describe("crc64 in WebAssembly (inputs of 256 bytes and more)", () => {
  const data = Buffer.alloc((1 << 20) + 4099);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;

  it("agrees with the reference at lengths and offsets around the word size", () => {
    for (const start of [0, 1, 5]) {
      for (const len of [256, 257, 263, 264, 1000, 4099]) {
        const piece = data.subarray(start, start + len);
        expect(crc64(piece).toString("hex")).toBe(reference(piece));
      }
    }
  });

  it("carries the register across its 1 MiB windows and across calls", () => {
    expect(crc64(data).toString("hex")).toBe(inSmallPieces(data));
    const c = new Crc64();
    c.update(data.subarray(0, 300)).update(data.subarray(300, 301)).update(data.subarray(301));
    expect(c.digest()).toEqual(crc64(data));
  });
});

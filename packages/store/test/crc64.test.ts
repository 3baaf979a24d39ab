import { describe, expect, it } from "vitest";
import { Crc64, crc64 } from "../src/tarsplit/crc64.js";

describe("crc64 (ISO, as Go's hash/crc64)", () => {
  it("gives the CRC-64/GO-ISO check value for 123456789", () => {
    expect(crc64(Buffer.from("123456789")).toString("hex")).toBe("b90956c775a41001");
  });

  it("is the same fed in pieces as in one go", () => {
    const data = Buffer.from("The quick brown fox jumps over the lazy dog".repeat(50));
    const c = new Crc64();
    for (let i = 0; i < data.length; i += 7) c.update(data.subarray(i, i + 7));
    expect(c.digest()).toEqual(crc64(data));
  });

  it("of nothing is zero", () => {
    expect(crc64(Buffer.alloc(0)).toString("hex")).toBe("0000000000000000");
  });

  it("agrees with the one-byte-at-a-time definition at every length and offset", () => {
    const data = Buffer.alloc(300);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
    for (const start of [0, 1, 3, 7]) {
      for (let len = 0; len <= 40; len++) {
        const piece = data.subarray(start, start + len);
        expect(crc64(piece).toString("hex")).toBe(bytewise(piece));
      }
    }
    expect(crc64(data).toString("hex")).toBe(bytewise(data));
  });
});

/** CRC-64/GO-ISO straight from the definition, with BigInt: the reference for the sliced tables. */
function bytewise(data: Uint8Array): string {
  const poly = 0xd800000000000000n;
  let crc = 0xffffffffffffffffn;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return (crc ^ 0xffffffffffffffffn).toString(16).padStart(16, "0");
}

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
});

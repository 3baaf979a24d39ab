import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeHeader } from "../src/tar-header.js";
import { encodeHeader, encodeHeaderGeneral, type TarHeader } from "../src/tar-writer.js";

const text = (max: number) =>
  fc.oneof(
    fc.stringMatching(new RegExp(`^[a-z0-9._/-]{0,${max}}$`)),
    fc.string({ maxLength: max + 20 }),
    fc.string({ unit: "grapheme", maxLength: 8 }),
  );

const header: fc.Arbitrary<TarHeader> = fc.record(
  {
    name: fc.oneof(text(100), fc.array(fc.stringMatching(/^[a-z]{1,40}$/), { minLength: 1, maxLength: 8 }).map((p) => p.join("/"))),
    typeflag: fc.constantFrom("0", "1", "2", "3", "4", "5", "6"),
    mode: fc.oneof(fc.constantFrom(0o100644, 0o40755, 0o120777, 0o600), fc.nat({ max: 0o7777777 })),
    uid: fc.oneof(fc.nat({ max: 70000 }), fc.nat({ max: 2 ** 31 }), fc.constant(0o7777777 + 1)),
    gid: fc.oneof(fc.nat({ max: 70000 }), fc.constant(2 ** 40)),
    size: fc.oneof(fc.nat({ max: 1 << 20 }), fc.constant(8 ** 11 - 1), fc.constant(8 ** 11), fc.constant(2 ** 40)),
    mtime: fc.oneof(fc.constant(null), fc.nat({ max: 2 ** 31 }), fc.constant(2 ** 33), fc.constant(8 ** 11)),
    linkname: text(100),
    uname: text(32),
    gname: text(32),
    devmajor: fc.nat({ max: 300 }),
    devminor: fc.nat({ max: 300 }),
  },
  { requiredKeys: ["name", "typeflag", "mode", "uid", "gid", "size", "mtime"] },
);

describe("encodeHeader", () => {
  it("writes the bytes of the general (PAX-aware) encoder for every header (the USTAR fast path changes nothing)", () => {
    fc.assert(
      fc.property(header, (h) => {
        expect(encodeHeader(h).equals(encodeHeaderGeneral(h))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("writes headers whose checksum and numbers read back", () => {
    fc.assert(
      fc.property(header, (h) => {
        const blk = encodeHeader(h);
        const main = decodeHeader(blk.subarray(blk.length - 512));
        if (blk.length === 512) {
          expect(main.size).toBe(h.size);
          expect(main.mtime).toBe(h.mtime ?? 0);
          expect(main.uid).toBe(h.uid);
          expect(main.mode).toBe(h.mode);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("header checksums as decodeHeader checks them", () => {
  /** Go's rule, byte by byte: the unsigned or the signed sum, the checksum field counted as spaces. */
  function naive(b: Buffer): { unsigned: number; signed: number } {
    let unsigned = 0;
    let signed = 0;
    for (let i = 0; i < 512; i++) {
      const c = i >= 148 && i < 156 ? 0x20 : b[i];
      unsigned += c;
      signed += c > 127 ? c - 256 : c;
    }
    return { unsigned, signed };
  }

  it("accepts exactly the blocks Go's rule accepts, at every alignment in a buffer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 512, maxLength: 512 }), fc.nat({ max: 7 }), fc.constantFrom("unsigned", "signed", "off"), (bytes, at, which) => {
        const block = Buffer.from(bytes);
        const sums = naive(block);
        const stored = which === "unsigned" ? sums.unsigned : which === "signed" ? sums.signed : sums.unsigned + 1;
        block.write((stored < 0 ? 0 : stored).toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
        const host = Buffer.alloc(512 + 16);
        block.copy(host, at);
        const view = host.subarray(at, at + 512);
        const accepted = stored >= 0 && (stored === sums.unsigned || stored === sums.signed);
        let threw: string | undefined;
        try {
          decodeHeader(view);
        } catch (e) {
          threw = (e as Error).message;
        }
        expect(threw === "archive/tar: invalid tar header").toBe(!accepted);
      }),
      { numRuns: 3000 },
    );
  });
});

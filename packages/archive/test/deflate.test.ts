import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { busyboxGzip, crc32, gnuGzip } from "@tsbuild/archive";

/*
 * The deflate port without the real programs at hand: known answers recorded from GNU gzip
 * 1.12 and busybox 1.35 (Debian bookworm), and round trips through zlib's inflate. The byte
 * comparison against the live binaries is packages/shell/test/differential/gzip-bytes.test.ts.
 */

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const seq = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `${i + 1}\n`).join(""));

describe("gzip's deflate, known answers", () => {
  it("GNU gzip -n at -1, -6, -9 (deflate_fast, lazy, XFL)", () => {
    const line = (l: number) => Buffer.from(`tsbuild tsbuild tsbuild: gzip -${l}, the same bytes as the real one\n`);
    expect(hex(gnuGzip(line(1), { level: 1 }))).toBe(
      "1f8b08000000000004032b294e2acdcc49512841a5ad14d2ab320b14740d75144a3252158a13735315922a4b528b15128bc12245a989390af979a95c00aee5bd3a41000000",
    );
    expect(hex(gnuGzip(line(6), { level: 6 }))).toBe(
      "1f8b08000000000000032b294e2acdcc49512841a5ad14d2ab320b1474cd74144a3252158a13735315922a4b528b15128bc12245a989390af979a95c002c5232c541000000",
    );
    expect(hex(gnuGzip(line(9), { level: 9 }))).toBe(
      "1f8b08000000000002032b294e2acdcc49512841a5ad14d2ab320b14742d75144a3252158a13735315922a4b528b15128bc12245a989390af979a95c005f6adec541000000",
    );
    expect(sha(gnuGzip(seq(3000), { level: 3 }))).toBe("0e86100b9546cddda71e25a3468806afab69eccf3731580430e13428c9474c6c");
    expect(sha(gnuGzip(seq(3000)))).toBe("c443053c8230ee4c4fd63e43ff2706b2e30d47f2129b746b159f8c3c8d961a0e");
  });

  it("empty input: one static block holding only end-of-block", () => {
    expect(hex(gnuGzip(Buffer.alloc(0)))).toBe("1f8b080000000000000303000000000000000000");
  });

  it("busybox: no name, no time; Debian's build has no levels (every level is -6, XFL 0)", () => {
    const abc = Buffer.from("abcabcabcabcabcabcabcabc\n");
    expect(hex(busyboxGzip(abc, { level: 9, build: { gzipFast: 2, levels: false } }))).toBe("1f8b08000000000000034b4c4a4ec486b80093836b8a19000000");
    expect(sha(busyboxGzip(seq(3000), { build: { gzipFast: 2, levels: false } }))).toBe("c443053c8230ee4c4fd63e43ff2706b2e30d47f2129b746b159f8c3c8d961a0e");
    // Alpine's build marks -9 as GNU does and treats -1..-3 as -4.
    const alpine = { gzipFast: 2, levels: true } as const;
    expect(busyboxGzip(abc, { level: 9, build: alpine })[8]).toBe(2);
    expect(hex(busyboxGzip(seq(3000), { level: 1, build: alpine }))).toBe(hex(busyboxGzip(seq(3000), { level: 4, build: alpine })));
  });

  it("GNU's header: FNAME (UTF-8 bytes, NUL-terminated), MTIME, XFL 4 for -1", () => {
    const out = gnuGzip(Buffer.from("x"), { level: 1, name: "é.txt", mtime: 1_700_000_000 });
    const b = Buffer.from(out);
    expect([b[0], b[1], b[2], b[3], b.readUInt32LE(4), b[8], b[9]]).toEqual([0x1f, 0x8b, 8, 0x08, 1_700_000_000, 4, 3]);
    expect(Buffer.from(out.subarray(10, 17)).toString("utf8")).toBe("é.txt\0");
  });
});

describe("gzip's deflate, round trips", () => {
  const inputs: Record<string, Buffer> = {
    tiny: Buffer.from("a"),
    zeros: Buffer.alloc(300_000),
    random: Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 2654435761) >>> 24)),
    text: Buffer.from("the layer holds the files the RUN step wrote\n".repeat(3000)),
  };
  for (const [name, data] of Object.entries(inputs)) {
    it(`${name}: every level inflates back, with the trailer's CRC and size`, () => {
      for (let level = 1; level <= 9; level++) {
        for (const out of [gnuGzip(data, { level }), busyboxGzip(data, { level, build: { gzipFast: 0, levels: true } })]) {
          expect(gunzipSync(out).equals(data)).toBe(true);
          const t = Buffer.from(out.subarray(out.length - 8));
          expect(t.readUInt32LE(0)).toBe(crc32(data));
          expect(t.readUInt32LE(4)).toBe(data.length);
        }
      }
    });
  }

  it("rejects a level outside 1-9", () => {
    expect(() => gnuGzip(Buffer.from("x"), { level: 0 })).toThrow(/level 0/);
    expect(() => busyboxGzip(Buffer.from("x"), { level: 10 })).toThrow(/level 10/);
  });
});

import { execFileSync, spawnSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  ArchiveFormatError, ExpansionLimitError, TarFormatError, compressionOf, decompress, parseMemory, readTar, startsWithTar,
} from "@tsbuild/archive";

/** A USTAR header block for NAME with SIZE bytes of data, typeflag TYPE. */
function header(name: string, size: number, type = "0"): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, "utf8");
  b.write("0000644\0", 100);
  b.write("0000000\0", 108);
  b.write("0000000\0", 116);
  b.write(size.toString(8).padStart(11, "0") + "\0", 124);
  b.write("00000000000\0", 136);
  b.write(type, 156);
  b.write("ustar\x0000", 257);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of b) sum += c;
  b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return b;
}

function member(name: string, data: Buffer | string, type = "0"): Buffer {
  const body = Buffer.from(data);
  return Buffer.concat([header(name, body.length, type), body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

const tarOf = (...members: Buffer[]) => Buffer.concat([...members, Buffer.alloc(1024)]);

async function entries(input: Buffer, limit?: number): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  await readTar(input, async (e, body) => {
    const parts: Buffer[] = [];
    for await (const c of body) parts.push(c);
    out.push([e.name, Buffer.concat(parts).toString()]);
  }, { limit });
  return out;
}

const has = (tool: string) => spawnSync(tool, ["--version"]).status === 0;
const pack = (tool: string, input: Buffer) => execFileSync(tool, ["-c"], { input, maxBuffer: 1 << 30 });

describe("sniff and decompress", () => {
  const tar = tarOf(member("a.txt", "hello\n"), member("dir/b.txt", "b".repeat(3000)));

  it("reads plain and gzip tars", async () => {
    expect(compressionOf(gzipSync(tar))).toBe("gzip");
    expect(await entries(tar)).toEqual(await entries(gzipSync(tar)));
    expect((await entries(tar)).map((e) => e[0])).toEqual(["a.txt", "dir/b.txt"]);
  });

  for (const [tool, kind] of [["bzip2", "bzip2"], ["xz", "xz"], ["zstd", "zstd"]] as const) {
    it.skipIf(!has(tool))(`reads ${kind} tars${has(tool) ? "" : ` (SKIPPED: no ${tool} program here)`}`, async () => {
      const packed = pack(tool, tar);
      expect(compressionOf(packed)).toBe(kind);
      expect(await entries(packed)).toEqual(await entries(tar));
    });

    it.skipIf(!has(tool))(`stops a ${kind} bomb at the byte budget`, async () => {
      const bomb = pack(tool, Buffer.alloc(16 << 20));
      let seen = 0;
      const run = async () => {
        for await (const c of decompress(bomb, { limit: 1 << 20 })) seen += c.length;
      };
      await expect(run()).rejects.toThrow(ExpansionLimitError);
      await expect(run()).rejects.toThrow("archive expands past the memory limit of 1 MiB (use --memory)");
      expect(seen).toBeLessThanOrEqual(2 << 20);
    });
  }

  it("stops a gzip bomb at the byte budget", async () => {
    const bomb = gzipSync(tarOf(member("zeros", Buffer.alloc(64 << 20))));
    await expect(entries(bomb, 1 << 20)).rejects.toThrow(/archive expands past the memory limit of 1 MiB/);
  });

  it("names the member a truncated gzip cuts", async () => {
    const gz = gzipSync(tarOf(member("big.bin", Buffer.alloc(200000, 7)), member("z", "z")));
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    await expect(entries(cut)).rejects.toThrow(ArchiveFormatError);
    await expect(entries(cut)).rejects.toThrow(/gzip data is corrupt: unexpected end of file|truncated tar.*"big.bin"/);
    // Only the first header matters to "is it an archive": a truncated one still is (Docker then fails to extract it).
    expect(await startsWithTar(cut)).toBe(true);
    expect(await startsWithTar(Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0]), Buffer.alloc(100, 9)]))).toBe(false);
  });
});

describe("Go's archive/tar caps", () => {
  it("refuses a PAX header over 1 MiB without reading it", async () => {
    const hdr = header("PaxHeaders/x", 3 * 2 ** 30, "x");
    // Only the header: the 3 GiB it declares never arrive, and must not be waited for or allocated.
    await expect(entries(Buffer.concat([hdr, Buffer.alloc(512)]))).rejects.toThrow(/header field too long/);
  });

  it("refuses a GNU long name over 1 MiB", async () => {
    const big = member("././@LongLink", Buffer.alloc((1 << 20) + 1, 0x61), "L");
    await expect(entries(tarOf(big, member("x", "x")))).rejects.toThrow(TarFormatError);
  });

  it("takes a GNU long name and a PAX path under the cap", async () => {
    const long = "d/".repeat(200) + "f";
    const body = ` path=${long}\n`;
    // A PAX record's length counts its own digits: 3 digits here.
    const pax = `${body.length + 3}${body}`;
    const withPax = tarOf(member("PaxHeaders/f", pax, "x"), member("short", "p"));
    const withGnu = tarOf(member("././@LongLink", long + "\0", "L"), member("short", "g"));
    expect((await entries(withGnu))[0]).toEqual([long, "g"]);
    expect((await entries(withPax))[0][0]).toBe(long);
  });

  it("names the member whose data is cut short", async () => {
    const t = tarOf(member("a", "x".repeat(2000)));
    await expect(entries(t.subarray(0, 1200))).rejects.toThrow(/truncated tar: unexpected end of data in the data of "a"/);
  });
});

describe("parseMemory", () => {
  it("reads Docker's notation", () => {
    expect(parseMemory("512m")).toBe(512 * 2 ** 20);
    expect(parseMemory("2g")).toBe(2 * 2 ** 30);
    expect(parseMemory("1000")).toBe(1000);
    expect(parseMemory("lots")).toBeUndefined();
  });
});

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { memoryStore, openStore } from "../src/index.js";
import { decodeEntry, encodeEntry } from "../src/tarsplit/entry.js";
import { TarSplitFileWriter } from "../src/disk/tarsplit-file.js";
import { gzipSync, constants as zlibConstants } from "node:zlib";
import { makeTar, paxRecords } from "./helpers/tar.js";
import { busyboxTar, tempRoot } from "./helpers/paths.js";

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function roundTrip(tar: Buffer): Promise<Buffer> {
  const store = openStore(tempRoot());
  const layer = await store.putLayer(tar, null);
  expect(await layer.tarSize()).toBe(tar.length);
  return bytesOf(await layer.open());
}

describe("tar-split records", () => {
  it("encode as Go's json.Encoder writes storage.Entry", () => {
    expect(encodeEntry({ type: 2, payload: Buffer.from("hi") }, 0)).toBe('{"type":2,"payload":"aGk=","position":0}\n');
    expect(encodeEntry({ type: 1, name: "./", size: 0, payload: null }, 1)).toBe('{"type":1,"name":"./","payload":null,"position":1}\n');
    expect(encodeEntry({ type: 1, name: "a<&>\u00e9\n", size: 3, payload: Buffer.alloc(8) }, 2)).toBe(
      '{"type":1,"name":"a\\u003c\\u0026\\u003e\u00e9\\n","size":3,"payload":"AAAAAAAAAAA=","position":2}\n',
    );
    expect(encodeEntry({ type: 2, payload: Buffer.alloc(0) }, 3)).toBe('{"type":2,"payload":"","position":3}\n');
  });

  it("decode back, including name_raw", () => {
    expect(decodeEntry('{"type":1,"name_raw":"YWI=","size":4,"payload":"AAAAAAAAAAA=","position":5}')).toEqual({
      type: 1, name: "ab", size: 4, payload: Buffer.alloc(8),
    });
    expect(() => decodeEntry('{"type":7,"payload":null}')).toThrow(/unknown type 7/);
  });

  it("of the busybox base are byte for byte what Docker 20.10 wrote for it", async () => {
    const root = tempRoot();
    const store = openStore(root);
    const layer = await store.putLayer(readFileSync(busyboxTar), null);
    const json = gunzipSync(readFileSync(join(root, "image/overlay2/layerdb/sha256", layer.chainID.slice(7), "tar-split.json.gz")));
    // sha256 of the decompressed tar-split.json.gz in a real dockerd's layerdb after `docker import`.
    expect(createHash("sha256").update(json).digest("hex")).toBe("55be13ef296caed403140bc787ea530bf4d23610abc00a8d9121dc1626332186");
  });
});

describe("the tar-split file writer", () => {
  it("writes a gzip member per 256 Ki characters of lines, as compressing each joined batch would", async () => {
    const lines: string[] = [];
    // Multi-byte names (the batch ends by UTF-16 length, not bytes) and one line longer than a batch.
    for (let i = 0; i < 3000; i++) lines.push(encodeEntry({ type: 1, name: `d\u00e9j\u00e0/\u{1F600}-${i}`, size: i, payload: Buffer.alloc(8, i) }, i));
    lines.splice(1500, 0, encodeEntry({ type: 2, payload: Buffer.alloc(600 * 1024, 7) }, 1500));
    const path = join(tempRoot(), "tar-split.json.gz");
    const w = new TarSplitFileWriter(path);
    for (const l of lines) await w.write(l);
    await w.close();
    const expected: Buffer[] = [];
    let batch: string[] = [];
    let chars = 0;
    for (const l of lines) {
      batch.push(l);
      chars += l.length;
      if (chars >= 256 * 1024) {
        expected.push(gzipSync(batch.join(""), { level: zlibConstants.Z_BEST_SPEED }));
        batch = [];
        chars = 0;
      }
    }
    if (batch.length) expected.push(gzipSync(batch.join(""), { level: zlibConstants.Z_BEST_SPEED }));
    expect(readFileSync(path).equals(Buffer.concat(expected))).toBe(true);
    expect(gunzipSync(readFileSync(path)).toString("utf8")).toBe(lines.join(""));
  });
});

describe("layer tars rebuild byte for byte from diff/ and tar-split", () => {
  it("busybox", async () => {
    const tar = readFileSync(busyboxTar);
    expect((await roundTrip(tar)).equals(tar)).toBe(true);
  });

  it("GNU long names, PAX paths and link paths, hard links, devices, fifos, whiteouts", async () => {
    const long = "d/" + "x".repeat(150);
    const tar = makeTar([
      { name: "d/", type: "dir" },
      { name: "././@LongLink", type: "gnu-longname", data: long + "\0", gnu: true },
      { name: long.slice(0, 99), data: "long name\n", gnu: true },
      { name: "PaxHeaders/p", type: "pax", data: paxRecords({ path: "d/pax-" + "y".repeat(120), linkpath: "../" + "z".repeat(110) }) },
      { name: "d/short", type: "symlink", linkname: "../zzz" },
      { name: "d/target", data: "target" },
      { name: "d/hard", type: "link", linkname: "d/target" },
      { name: "d/dev", type: "char" },
      { name: "d/fifo", type: "fifo" },
      { name: "d/.wh.gone", mode: 0o600 },
      { name: "d/.wh..wh..opq", mode: 0o755 },
      { name: "empty" },
      { name: "big", data: Buffer.alloc(3 * 1024 * 1024 + 17, 7) },
    ]);
    expect((await roundTrip(tar)).equals(tar)).toBe(true);
  });

  it("bytes after the end-of-archive marker, and an archive that ends without one", async () => {
    const withJunk = makeTar([{ name: "a", data: "a" }], { extra: Buffer.alloc(9000, 0) });
    expect((await roundTrip(withJunk)).equals(withJunk)).toBe(true);
    const bare = makeTar([{ name: "a", data: "a" }], { trailer: false });
    expect((await roundTrip(bare)).equals(bare)).toBe(true);
    expect((await roundTrip(Buffer.alloc(0))).length).toBe(0);
  });

  it("a rebuild that no longer matches the diffID fails instead of yielding a different tar", async () => {
    const root = tempRoot();
    const store = openStore(root);
    const layer = await store.putLayer(makeTar([{ name: "f", data: "original" }]), null);
    const diff = join(root, "overlay2", layer.cacheID, "diff", "f");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(diff, "tampered");
    await expect(bytesOf(await layer.open())).rejects.toThrow(/file integrity checksum failed for "f"/);
  });
});

describe("a layer given as the list of buffers it is made of", () => {
  it("is stored and read back as the same tar, on disk and in memory", async () => {
    const tar = readFileSync(busyboxTar);
    const pieces = [tar.subarray(0, 700), tar.subarray(700, 1024), tar.subarray(1024, 5000), tar.subarray(5000)];
    for (const store of [openStore(tempRoot()), memoryStore()]) {
      const layer = await store.putLayer(pieces, null);
      expect(await layer.diffID()).toBe("sha256:" + createHash("sha256").update(tar).digest("hex"));
      expect(await layer.tarSize()).toBe(tar.length);
      expect(await bytesOf(await layer.open())).toEqual(tar);
    }
  });
});

describe("a layer's tar as buffers (chunks), for materialising a base", () => {
  it("is the tar open() streams, on disk and in memory; undefined past maxBytes", async () => {
    const tar = readFileSync(busyboxTar);
    for (const store of [openStore(tempRoot()), memoryStore()]) {
      const layer = await store.putLayer(tar, null);
      const chunks = await layer.chunks!(1 << 30);
      expect(Buffer.concat(chunks!).equals(tar)).toBe(true);
      expect(await layer.chunks!(100)).toBeUndefined();
    }
  });

  it("a rebuild from damaged diff/ files fails, naming the file, as open() does", async () => {
    const root = tempRoot();
    const store = openStore(root);
    const layer = await store.putLayer(makeTar([{ name: "f", data: "original" }, { name: "g", data: "kept" }]), null);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(root, "overlay2", layer.cacheID, "diff", "f"), "tampered");
    await expect(layer.chunks!(1 << 30)).rejects.toThrow(/file integrity checksum failed for "f"/);
    writeFileSync(join(root, "overlay2", layer.cacheID, "diff", "f"), "short");
    await expect(layer.chunks!(1 << 30)).rejects.toThrow(/file "f" has 5 bytes, the layer recorded 8/);
  });
});

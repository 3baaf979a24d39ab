import { describe, expect, it } from "vitest";
import { encodeHeader, writeTar } from "@tsbuild/archive";
import { readTar } from "../src/deb/real/tar.js";

const block = (s: string) => Buffer.concat([Buffer.from(s), Buffer.alloc(512 - (s.length % 512 || 512))]);
const paxRecord = (k: string, v: string) => {
  const body = ` ${k}=${v}\n`;
  let n = body.length;
  n += String(n + String(n).length).length;
  return `${n}${body}`;
};

/** pkgsim reads .deb and .apk tars with @tsbuild/archive's walkTar, the project's one tar reader. */
describe("pkgsim's readTar", () => {
  it("skips a global PAX header, folds per-member PAX records and GNU long names into the item", async () => {
    const global = paxRecord("comment", "abuild");
    const checksum = paxRecord("APK-TOOLS.checksum.SHA1", "0123456789abcdef0123456789abcdef01234567");
    const long = "usr/share/" + "n".repeat(140);
    const tar = Buffer.concat([
      encodeHeader({ name: "pax_global_header", typeflag: "g", mode: 0o644, uid: 0, gid: 0, size: global.length, mtime: 0 }),
      block(global),
      encodeHeader({ name: "PaxHeader/bin/x", typeflag: "x", mode: 0o644, uid: 0, gid: 0, size: checksum.length, mtime: 0 }),
      block(checksum),
      encodeHeader({ name: "./bin/x", typeflag: "0", mode: 0o755, uid: 0, gid: 0, size: 2, mtime: 7, uname: "root", gname: "root" }),
      block("hi"),
      encodeHeader({ name: "././@LongLink", typeflag: "L", mode: 0, uid: 0, gid: 0, size: long.length + 1, mtime: 0 }),
      block(long + "\0"),
      encodeHeader({ name: long.slice(0, 100), typeflag: "2", mode: 0o777, uid: 0, gid: 0, size: 0, mtime: 0, linkname: "../x" }),
      writeTar([{ name: "etc", type: "dir", mode: 0o755, uid: 0, gid: 0, mtime: 0 }]),
    ]);
    const items = await readTar(tar);
    expect(items.map((i) => [i.name, i.type, i.rawName])).toEqual([
      ["bin/x", "file", "./bin/x"],
      [long, "symlink", long],
      ["etc", "dir", "etc/"],
    ]);
    expect(items[0]).toMatchObject({ mode: 0o755, uname: "root", data: Buffer.from("hi"), mtime: new Date(7000) });
    expect(items[0].pax["APK-TOOLS.checksum.SHA1"]).toBe("0123456789abcdef0123456789abcdef01234567");
    expect(items[1].linkname).toBe("../x");
  });

  it("a tar cut inside a member's data is an error naming the member", async () => {
    const tar = writeTar([{ name: "a", type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, content: Buffer.alloc(2000) }]);
    await expect(readTar(tar.subarray(0, 1200))).rejects.toThrow(/truncated tar: unexpected end of data in the data of "a"/);
  });
});

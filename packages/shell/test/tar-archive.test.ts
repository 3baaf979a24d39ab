import { describe, expect, it } from "vitest";
import { encodeHeader, writeTar } from "@tsbuild/archive";
import { baseFs, runStep } from "./helpers.js";

/** The tar applet reads and writes with @tsbuild/archive's one reader and writer. */
describe("tar applet over @tsbuild/archive", () => {
  it("tar -c writes writeTar's bytes: the same archive as the project's writer, owner names included", async () => {
    const fs = await baseFs();
    const t = new Date("2024-01-02T03:04:05Z");
    fs.mkdir("/src/d", { recursive: true, owner: { uid: 0, gid: 0 } });
    fs.writeFile("/src/d/f", "hello\n", { mode: 0o640 });
    fs.utimes("/src/d/f", t, t);
    fs.utimes("/src/d", t, t);
    const r = await runStep(fs, "tar cf /a.tar -C /src d");
    expect(r.stderr).toBe("");
    const secs = t.getTime() / 1000;
    const want = writeTar([
      { name: "d", type: "dir", mode: 0o755, uid: 0, gid: 0, mtime: secs, uname: "root", gname: "root" },
      { name: "d/f", type: "file", mode: 0o640, uid: 0, gid: 0, mtime: secs, content: Buffer.from("hello\n"), uname: "root", gname: "root" },
    ]);
    expect(fs.readFile("/a.tar").equals(want)).toBe(true);
  });

  it("tar -x folds PAX and GNU long names into the member, as Go's reader does", async () => {
    const fs = await baseFs();
    const long = `${"p".repeat(120)}/${"q".repeat(120)}.txt`;
    const gnuName = "g".repeat(150);
    const body = Buffer.from("x");
    const gnu = Buffer.concat([
      encodeHeader({ name: "././@LongLink", typeflag: "L", mode: 0, uid: 0, gid: 0, size: gnuName.length + 1, mtime: 0 }),
      Buffer.from(gnuName + "\0"), Buffer.alloc(512 - gnuName.length - 1),
      encodeHeader({ name: gnuName.slice(0, 100), typeflag: "0", mode: 0o644, uid: 0, gid: 0, size: 1, mtime: 0 }),
      body, Buffer.alloc(511),
    ]);
    const pax = writeTar([{ name: long, type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, content: body }]);
    fs.writeFile("/a.tar", Buffer.concat([gnu, pax]));
    const r = await runStep(fs, "tar tf /a.tar");
    expect(r.stdout).toBe(`${gnuName}\n${long}\n`);
  });

  it("a PAX header over 1 MiB is refused with Go's cap, naming its size", async () => {
    const fs = await baseFs();
    const size = 1024 * 1024 + 1;
    const tar = Buffer.concat([
      encodeHeader({ name: "PaxHeaders/x", typeflag: "x", mode: 0o644, uid: 0, gid: 0, size, mtime: 0 }),
      Buffer.alloc(size + 511),
    ]);
    fs.writeFile("/a.tar", tar);
    const r = await runStep(fs, "tar tf /a.tar");
    expect(r.stderr).toContain(`archive/tar: header field too long (a ${size}-byte PAX header; at most 1 MiB)`);
    expect(r.exitCode).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import { EMPTY_LAYER_DIFF_ID } from "@tsbuild/image";
import { RootFS, layerEntries } from "../src/index.js";
import { busyboxRootFS, makeTar, step } from "./helpers.js";

/** Everything observable about a tree, for before/after comparisons. */
function snapshot(rfs: RootFS, dir = "/", out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const name of rfs.readdir(dir)) {
    const p = dir === "/" ? "/" + name : `${dir}/${name}`;
    const st = rfs.lstat(p);
    out[p] = { ...st, data: st.type === "file" ? rfs.readFile(p).toString("base64") : undefined, link: st.type === "symlink" ? rfs.readlink(p) : undefined };
    if (st.type === "dir") snapshot(rfs, p, out);
  }
  return out;
}

describe("steps", () => {
  it("abortStep puts back contents, metadata, removed trees, renames and links", async () => {
    const rfs = await busyboxRootFS();
    await step(rfs, (f) => {
      f.mkdir("/data/sub", { recursive: true });
      f.writeFile("/data/sub/file", "original");
      f.link("/data/sub/file", "/data/hard");
    });
    const before = snapshot(rfs);
    rfs.beginStep();
    rfs.writeFile("/etc/motd", "appended", { append: true });
    rfs.chmod("/bin/busybox", 0o4711);
    rfs.chown("/etc/passwd", { uid: 9, gid: 9 });
    rfs.utimes("/etc/group", new Date(5), new Date(5));
    rfs.writeFile("/data/hard", "through the other name");
    rfs.rename("/data", "/moved");
    rfs.rm("/usr", { recursive: true });
    rfs.rename("/bin/ls", "/etc/ls");
    rfs.symlink("/x", "/new-link");
    rfs.mkdir("/new/dir", { recursive: true });
    rfs.writeFile("/new/dir/f", "new");
    rfs.abortStep();
    expect(snapshot(rfs)).toEqual(before);
    const next = await step(rfs, () => {});
    expect(next.empty).toBe(true);
  });

  it("an empty step is the 1024-byte empty tar with Docker's empty diffID", async () => {
    const rfs = await busyboxRootFS();
    const diff = await step(rfs, (f) => {
      f.readFile("/etc/passwd");
      f.mkdir("/etc", { recursive: true });
    });
    expect(diff).toMatchObject({ empty: true, size: 0, entries: [], diffID: EMPTY_LAYER_DIFF_ID });
    expect(diff.tar).toEqual(Buffer.alloc(1024));
  });

  it("refuses misuse with clear messages", async () => {
    const rfs = new RootFS();
    await expect(rfs.commitStep()).rejects.toThrow("commitStep: no step is open");
    expect(() => rfs.abortStep()).toThrow("abortStep: no step is open");
    rfs.beginStep();
    expect(() => rfs.beginStep()).toThrow("beginStep: a step is already open");
  });

  it("a path created and deleted in the step leaves only its parent's copy-up", async () => {
    const rfs = await busyboxRootFS();
    const diff = await step(rfs, (f) => {
      f.mkdir("/var/log/x/y", { recursive: true });
      f.writeFile("/var/log/x/y/z", "temp");
      f.rm("/var/log/x", { recursive: true });
    });
    expect(diff.entries.map((e) => e.path)).toEqual(["var", "var/log"]);
  });

  it("deleting a lower tree entry by entry whites out only its top", async () => {
    const rfs = await busyboxRootFS();
    await step(rfs, (f) => {
      f.mkdir("/t/u", { recursive: true });
      f.writeFile("/t/u/v", "v");
    });
    const diff = await step(rfs, (f) => {
      f.unlink("/t/u/v");
      f.rmdir("/t/u");
      f.rmdir("/t");
    });
    expect(diff.entries.map((e) => e.path)).toEqual([".wh.t"]);
  });

  it("writing to a device changes nothing", async () => {
    const rfs = new RootFS();
    await rfs.applyLayer(await makeTar([{ name: "dev/", type: "directory" }, { name: "dev/null", type: "character-device", mode: 0o666, devmajor: 1, devminor: 3 }]));
    const diff = await step(rfs, (f) => f.writeFile("/dev/null", "discarded"));
    expect(diff.empty).toBe(true);
  });

  it("clamps header mtimes to commitStep's mtime", async () => {
    const late = new Date("2030-01-01T00:00:00Z");
    const epoch = new Date("2020-01-01T00:00:00Z");
    const rfs = await busyboxRootFS({ defaultMtime: late });
    rfs.beginStep();
    rfs.writeFile("/late", "x");
    rfs.writeFile("/old", "y", { mtime: new Date("2010-01-01T00:00:00Z") });
    const diff = await rfs.commitStep({ mtime: epoch });
    const mtimeOf = (name: string) => {
      const at = diff.tar.indexOf(Buffer.from(name + "\0"));
      return parseInt(diff.tar.subarray(at + 136, at + 147).toString(), 8);
    };
    expect(mtimeOf("late")).toBe(epoch.getTime() / 1000);
    expect(mtimeOf("old")).toBe(Date.parse("2010-01-01T00:00:00Z") / 1000);
  });
});

describe("hard links across the step boundary (overlay2 mounts with index=off)", () => {
  async function withLinkedPair(): Promise<RootFS> {
    const rfs = await busyboxRootFS();
    await step(rfs, (f) => {
      f.mkdir("/h");
      f.writeFile("/h/a", "shared");
      f.link("/h/a", "/h/b");
    });
    return rfs;
  }

  it("copying up one name of a lower hard link gives it its own inode", async () => {
    const rfs = await withLinkedPair();
    const diff = await step(rfs, (f) => f.chmod("/h/a", 0o600));
    expect(diff.entries.map((e) => [e.path, e.type, e.mode])).toEqual([["h", "dir", "0755"], ["h/a", "file", "0600"]]);
    expect(rfs.stat("/h/b").mode).toBe(0o644);
    expect(rfs.stat("/h/a").ino).not.toBe(rfs.stat("/h/b").ino);
  });

  it("linking to a lower file puts both names in the layer, the second as a hard link", async () => {
    const rfs = await busyboxRootFS();
    const diff = await step(rfs, (f) => f.link("/etc/passwd", "/etc/a-passwd"));
    expect(diff.entries.map((e) => [e.path, e.type, e.linkname])).toEqual([
      ["etc", "dir", undefined], ["etc/a-passwd", "file", undefined], ["etc/passwd", "hardlink", "etc/a-passwd"],
    ]);
    expect(diff.size).toBe(82);
    expect(await layerEntries(diff.tar)).toEqual(diff.entries);
  });

  it("a moved lower directory stops sharing inodes with names outside it", async () => {
    const rfs = await withLinkedPair();
    await step(rfs, (f) => {
      f.mkdir("/dir");
      f.link("/h/a", "/dir/inner");
      f.link("/h/a", "/dir/inner2");
    });
    const diff = await step(rfs, (f) => f.rename("/dir", "/moved"));
    expect(diff.entries.map((e) => [e.path, e.type])).toEqual([[".wh.dir", "file"], ["moved", "dir"], ["moved/inner", "file"], ["moved/inner2", "hardlink"]]);
    rfs.writeFile("/h/a", "changed outside");
    expect(rfs.readFile("/moved/inner").toString()).toBe("shared");
    expect(rfs.stat("/moved/inner").nlink).toBe(2);
  });
});

describe("journaling cost", () => {
  it("a one-file step on a 50k-file tree commits by visiting only the journaled paths", async () => {
    const specs: Parameters<typeof makeTar>[0] = [];
    for (let d = 0; d < 500; d++) {
      specs.push({ name: `d${d}/`, type: "directory" });
      for (let f = 0; f < 100; f++) specs.push({ name: `d${d}/f${f}`, content: `${d}/${f}` });
    }
    const rfs = new RootFS();
    await rfs.applyLayer(await makeTar(specs));
    expect(rfs.readdir("/").length).toBe(500);
    const diff = await step(rfs, (f) => f.writeFile("/d250/f7", "changed"));
    expect(diff.entries.map((e) => e.path)).toEqual(["d250", "d250/f7"]);
    expect(rfs.lastCommitVisited).toBe(2);
  });
});

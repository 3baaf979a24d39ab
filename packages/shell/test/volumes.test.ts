import { describe, expect, it } from "vitest";
import { RootFS } from "@tsbuild/fs-snapshot";
import type { SimCommandContext } from "@tsbuild/shell";
import { VolumeFs } from "../src/sandbox/volume-fs.js";
import { baseFs, freshRun, runStep } from "./helpers.js";

// Expectations below are what Docker 20.10's classic builder did with the same steps.

type Entry = Awaited<ReturnType<typeof runStep>>["entries"][number];
const paths = (entries: Entry[]) => entries.map((e) => e.path);
const owned = (entries: Entry[]) => entries.map((e) => [e.path, e.type, e.mode, e.uid, e.gid]);

describe("a RUN step's writes under a VOLUME path go to a volume that is thrown away", () => {
  it("discards new files and overwrites in the volume, keeps writes elsewhere (x09)", async () => {
    const fs = await baseFs();
    fs.mkdir("/vol");
    fs.writeFile("/vol/a", "before\n");
    const r = await runStep(fs, "echo after > /vol/b && echo x > /vol/a && echo outside > /out && cat /vol/a /vol/b", { volumes: ["/vol"] });
    expect(r.stdout).toBe("x\nafter\n");
    expect(paths(r.entries)).toEqual(["out"]);
    const next = await runStep(fs, "cat /vol/a; ls -A /vol", { volumes: ["/vol"] });
    expect(next.stdout).toBe("before\na\n");
    expect(next.entries).toEqual([]);
  });

  it("discards deletes and renames in the volume: the next step sees the image's content", async () => {
    const fs = await baseFs();
    fs.mkdir("/vol/sub", { recursive: true });
    fs.writeFile("/vol/a", "a\n");
    fs.writeFile("/vol/sub/s", "s\n");
    fs.symlink("a", "/vol/link");
    const r = await runStep(fs, "mv /vol/link /vol/link2 && rm /vol/a && mv /vol/sub /vol/sub2 && rm -r /vol/sub2 && ls -A /vol", { volumes: ["/vol"] });
    expect(r.stdout).toBe("link2\n");
    expect(r.entries).toEqual([]);
    const next = await runStep(fs, "ls -A /vol; cat /vol/link /vol/sub/s", { volumes: ["/vol"] });
    expect(next.stdout).toBe("a\nlink\nsub\na\ns\n");
  });

  it("keeps the mount point's own mode and owner changes in the volume", async () => {
    const fs = await baseFs();
    fs.mkdir("/vol", { mode: 0o750, owner: { uid: 1000, gid: 1000 } });
    const r = await runStep(fs, "stat -c '%a %u %g' /vol; chmod 700 /vol && chown 7:8 /vol && stat -c '%a %u %g' /vol", { volumes: ["/vol"] });
    expect(r.stdout).toBe("750 1000 1000\n700 7 8\n");
    expect(r.entries).toEqual([]);
    const next = await runStep(fs, "stat -c '%a %u %g' /vol", { volumes: ["/vol"] });
    expect(next.stdout).toBe("750 1000 1000\n");
  });
});

describe("moving between a volume and the image is copy + delete (rename answers EXDEV)", () => {
  it("keeps the copy outside with its mode, owner, mtime and hard links; the volume keeps its content", async () => {
    const fs = await baseFs();
    const old = new Date("2002-02-02T00:00:00Z");
    fs.mkdir("/vol/d", { recursive: true });
    fs.writeFile("/vol/a", "x\n", { mode: 0o640, owner: { uid: 5, gid: 6 }, mtime: old });
    fs.writeFile("/vol/d/q", "q\n");
    fs.link("/vol/d/q", "/vol/d/q2");
    const r = await runStep(fs, "mv /vol/a /moved && mv /vol/d /movedd && ls -A /vol; echo status=$?", { volumes: ["/vol"] });
    expect(r.stdout).toBe("status=0\n");
    expect(owned(r.entries)).toEqual([
      ["moved", "file", "0640", 5, 6],
      ["movedd", "dir", "0755", 0, 0],
      ["movedd/q", "file", "0644", 0, 0],
      ["movedd/q2", "hardlink", "0644", 0, 0],
    ]);
    expect(fs.lstat("/moved").mtime).toEqual(old);
    const next = await runStep(fs, "ls -A /vol", { volumes: ["/vol"] });
    expect(next.stdout).toBe("a\nd\n");
  });

  it("as a non-root user: the copies are the user's own, and a hard link across the mount fails", async () => {
    const fs = await baseFs();
    const u = { uid: 1000, gid: 1000 };
    fs.mkdir("/home/u/data/sub", { recursive: true, owner: u });
    fs.chmod("/home/u/data", 0o750);
    fs.writeFile("/home/u/data/f", "d\n", { owner: u });
    fs.link("/home/u/data/f", "/home/u/data/hl");
    const r = await runStep(
      fs,
      "stat -c '%a %u %g' /home/u/data; echo x > /home/u/data/new && mv /home/u/data/sub /tmp/sub && mv /home/u/data/f /tmp/f; ln /home/u/data/hl /tmp/hl; echo ln=$?",
      { volumes: ["/home/u/data"], user: "1000" },
    );
    expect(r.stdout).toBe("750 1000 1000\nln=1\n");
    expect(r.stderr).toBe("ln: /tmp/hl: Invalid cross-device link\n");
    expect(owned(r.entries)).toEqual([
      ["tmp", "dir", "1777", 0, 0],
      ["tmp/f", "file", "0644", 1000, 0],
      ["tmp/sub", "dir", "0755", 1000, 0],
    ]);
  });
});

describe("symlinks and volumes", () => {
  it("resolves a symlink inside the volume against the container's root", async () => {
    const fs = await baseFs();
    fs.mkdir("/vol");
    const r = await runStep(
      fs,
      "ln -s /etc /vol/etclink && echo y > /vol/etclink/fromvol && mkdir /vol/sub && ln -s sub /vol/rel && echo z > /vol/rel/z && cat /vol/sub/z",
      { volumes: ["/vol"] },
    );
    expect(r.stdout).toBe("z\n");
    expect(paths(r.entries)).toEqual(["etc", "etc/fromvol"]);
  });

  it("follows a symlink of the image into the volume", async () => {
    const fs = await baseFs();
    fs.mkdir("/vol");
    fs.symlink("/vol", "/shortcut");
    const r = await runStep(fs, "echo w > /shortcut/w && cat /vol/w", { volumes: ["/vol"] });
    expect(r.stdout).toBe("w\n");
    expect(r.entries).toEqual([]);
  });

  it("mounts a VOLUME path that is a symlink at its target, and a dangling one's target is created", async () => {
    const fs = await baseFs();
    fs.mkdir("/real");
    fs.writeFile("/real/f", "r\n");
    fs.symlink("/real", "/lnk");
    fs.symlink("/nowhere", "/dang");
    const r = await runStep(fs, "echo w > /lnk/w; echo z > /real/z; ls /lnk; ls -A /nowhere/x", { volumes: ["/lnk", "/dang/x"] });
    expect(r.stdout).toBe("f\nw\nz\n");
    expect(owned(r.entries)).toEqual([
      ["nowhere", "dir", "0755", 0, 0],
      ["nowhere/x", "dir", "0755", 0, 0],
    ]);
  });
});

describe("nested and missing volume paths", () => {
  it("mounts a volume inside another: its mount point is made in the outer volume, not the layer", async () => {
    const fs = await baseFs();
    fs.mkdir("/a/b/c", { recursive: true });
    fs.writeFile("/a/one", "1\n");
    fs.writeFile("/a/b/two", "2\n");
    fs.writeFile("/a/b/c/three", "3\n");
    fs.mkdir("/p");
    const volumes = ["/a", "/a/b", "/p/q/r", "/p/q"];
    const r = await runStep(
      fs,
      "cat /a/b/c/three; echo A > /a/new; echo B > /a/b/new; rm /a/b/c/three /a/one; echo Q > /p/q/new; echo R > /p/q/r/new; mv /a/b/two /a/two; ls -A /a /a/b /p/q",
      { volumes },
    );
    expect(r.stdout).toBe("3\n/a:\nb\nnew\ntwo\n\n/a/b:\nc\nnew\n\n/p/q:\nnew\nr\n");
    expect(owned(r.entries)).toEqual([
      ["p", "dir", "0755", 0, 0],
      ["p/q", "dir", "0755", 0, 0],
    ]);
    const next = await runStep(fs, "ls -A /a /a/b /a/b/c /p/q/r", { volumes });
    expect(next.stdout).toBe("/a:\nb\none\n\n/a/b:\nc\ntwo\n\n/a/b/c:\nthree\n\n/p/q/r:\n");
    expect(next.entries).toEqual([]);
  });

  it("creates a missing mount point in the layer (0755, root); what the step puts in the volume stays out", async () => {
    const r = await freshRun("echo hi > /m/n/o/f; chmod 700 /m/n/o; touch /m/n/x; cat /m/n/o/f", { volumes: ["/m/n/o"] });
    expect(r.stdout).toBe("hi\n");
    expect(owned(r.entries)).toEqual([
      ["m", "dir", "0755", 0, 0],
      ["m/n", "dir", "0755", 0, 0],
      ["m/n/o", "dir", "0755", 0, 0],
      ["m/n/x", "file", "0644", 0, 0],
    ]);
  });

  it("cannot remove or rename a mount point; rm -rf empties what it can", async () => {
    const fs = await baseFs();
    fs.mkdir("/vol/x", { recursive: true });
    fs.writeFile("/vol/x/one", "1\n");
    fs.mkdir("/p/q", { recursive: true });
    fs.writeFile("/p/two", "2\n");
    const r = await runStep(
      fs,
      "rm -rf /vol; echo rm=$?; ls -A /vol; mv /vol /v2; echo mv=$?; rmdir /p/q; echo rmdir=$?; rm -rf /p; echo rmp=$?; ls -A /p",
      { volumes: ["/vol", "/p/q"] },
    );
    expect(r.stdout).toBe("rm=1\nmv=1\nrmdir=1\nrmp=1\nq\n");
    expect(r.stderr).toContain("rm: can't remove '/vol': Device or resource busy");
    expect(r.stderr).toContain("rm: can't remove '/p/q': Device or resource busy");
    expect(r.stderr).toContain("rmdir: '/p/q': Device or resource busy");
    expect(paths(r.entries)).toEqual(["p", "p/.wh.two"]);
  });
});

describe("volumes inside the trees Docker mounts (/dev, /sys, /proc)", () => {
  it("mounts an empty, writable volume inside /dev or /sys, with nothing in the layer", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "ls -A /sys/fs/cgroup /dev/vx; echo a > /sys/fs/cgroup/f && echo b > /dev/vx/g && cat /sys/fs/cgroup/f /dev/vx/g", {
      volumes: ["/sys/fs/cgroup", "/dev/vx"],
    });
    expect(r.stdout).toBe("/dev/vx:\n\n/sys/fs/cgroup:\na\nb\n");
    expect(r.entries).toEqual([]);
  });

  it("fails to create the container for a volume inside /proc", async () => {
    const r = await freshRun("echo ran", { volumes: ["/proc/px"] });
    expect(r).toMatchObject({ exitCode: 1, stdout: "" });
    expect(r.error).toContain("/proc/px");
  });
});

describe("the container cannot be created", () => {
  it("when a volume path is a file, with Docker's message and nothing run", async () => {
    const r = await freshRun("echo ran", { volumes: ["/etc/passwd"] });
    expect(r).toMatchObject({ exitCode: 1, error: "cannot mount volume over existing file, file exists /etc/passwd", stdout: "" });
  });

  it("when a volume path goes through a file", async () => {
    const r = await freshRun("echo ran", { volumes: ["/etc/passwd/x"] });
    expect(r).toMatchObject({ exitCode: 1, error: "lstat /etc/passwd/x: not a directory", stdout: "" });
  });
});

describe("everything a step runs sees the mounts", () => {
  it("gives simulated programs (and command models) the mounted view as their RootFS", async () => {
    const fs = await baseFs();
    fs.mkdir("/vol");
    fs.writeFile("/vol/a", "image\n");
    fs.writeFile("/usr/local/bin/tool", Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]), { mode: 0o755 });
    let seen = "";
    const binaries = {
      "/usr/local/bin/tool": async (ctx: SimCommandContext) => {
        seen = ctx.fs.readFile("/vol/a").toString();
        ctx.fs.writeFile("/vol/a", "tool\n");
        ctx.fs.mkdir("/vol/deep/dir", { recursive: true });
        ctx.fs.writeFile("/out", "o\n");
        return 0;
      },
    };
    const r = await runStep(fs, "tool && cat /vol/a && ls /vol/deep", { volumes: ["/vol"], binaries });
    expect(seen).toBe("image\n");
    expect(r.stdout).toBe("tool\ndir\n");
    expect(paths(r.entries)).toEqual(["out"]);
  });
});

describe("VolumeFs", () => {
  it("routes every method of RootFS (a new one in @tsbuild/fs-snapshot must be routed too)", () => {
    // Steps and layers are the builder's RootFS's, not part of the FileSystem a step's programs get.
    const steps = ["applyLayer", "applyVerifiedLayers", "beginStep", "commitStep", "abortStep"];
    const internal = new Set(["constructor", "openStep", "closeStep", "resolve", "resolveFor", "lookup", "isWithin", "fileForWrite", "newFile", ...steps]);
    const unrouted = Object.getOwnPropertyNames(RootFS.prototype).filter((m) => !internal.has(m) && !Object.hasOwn(VolumeFs.prototype, m));
    expect(unrouted).toEqual([]);
  });

  it("numbers a volume's inodes apart from the image's, so tar and cp see no false hard links", () => {
    const image = new RootFS();
    image.mkdir("/vol");
    image.writeFile("/vol/a", "a");
    image.writeFile("/b", "b");
    const view = VolumeFs.mount(image, ["/vol"]);
    const inVolume = view.lstat("/vol/a").ino;
    expect(inVolume).not.toBe(image.lstat("/vol/a").ino);
    expect(inVolume).not.toBe(view.lstat("/b").ino);
    expect(view.lstat("/b").ino).toBe(image.lstat("/b").ino);
  });

  it("names the caller's paths in errors from inside a volume", () => {
    const image = new RootFS();
    image.mkdir("/vol");
    const view = VolumeFs.mount(image, ["/vol"]);
    expect(() => view.readFile("/vol/missing")).toThrow("ENOENT: no such file or directory, open '/vol/missing'");
    expect(() => view.rename("/vol", "/elsewhere")).toThrow("EBUSY: resource busy or locked, rename '/vol' -> '/elsewhere'");
    view.writeFile("/vol/f", "f");
    expect(() => view.link("/vol/f", "/f")).toThrow("EXDEV: cross-device link not permitted, link '/vol/f' -> '/f'");
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Digest } from "@tsbuild/image";
import { layerEntries, layerSize } from "../src/index.js";
import { FIXTURES, busyboxRootFS, step } from "./helpers.js";

/**
 * fixtures/docker-probe-step{1,2}.tar are the layers Docker 20.10.24 (overlay2, classic builder)
 * produced for this Dockerfile, saved with `docker save`; every entry's mtime is the build's second:
 *
 *   FROM conformance/busybox:1
 *   RUN mkdir -p /o/sub && echo keep > /o/keep && chmod 2750 /o && mkdir -p /h
 *   RUN rm -rf /o && mkdir /o && chmod 0750 /o && echo new > /o/z && rm /etc/motd && echo s > /h/a \
 *       && ln /h/a /h/b && ln -s /etc/passwd /h/sym && mkdir -p /long/$A/$B && echo x > /long/$A/$B/$C \
 *       && mkfifo /h/fifo && chown 1000:1000 /h/a && ln -s /nowhere/$X /h/longlink
 *
 * ($A, $B, $C, $X: 59 a's, 89 b's, 108 c's, 136 x's.) Replaying the steps with the clock stopped at
 * that second and the daemon host's user names must give the same bytes, hence the same diffIDs.
 */
const BUILD_SECOND = 1795368664;
const A = "a".repeat(59);
const B = "b".repeat(89);
const C = "c".repeat(108);
const X = "x".repeat(136);
const hostNames = { user: (id: number) => (id === 0 ? "root" : "cloudsdk"), group: (id: number) => (id === 0 ? "root" : "cloudsdk") };

function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

describe("layer tar bytes", () => {
  it("are identical to Docker's for the same changes at the same second", async () => {
    const rfs = await busyboxRootFS({ defaultMtime: new Date(BUILD_SECOND * 1000), ownerNames: hostNames });
    const first = await step(rfs, (f) => {
      f.mkdir("/o/sub", { recursive: true });
      f.writeFile("/o/keep", "keep\n");
      f.chmod("/o", 0o2750);
      f.mkdir("/h", { recursive: true });
    });
    const second = await step(rfs, (f) => {
      f.rm("/o", { recursive: true, force: true });
      f.mkdir("/o");
      f.chmod("/o", 0o750);
      f.writeFile("/o/z", "new\n");
      f.unlink("/etc/motd");
      f.writeFile("/h/a", "s\n");
      f.link("/h/a", "/h/b");
      f.symlink("/etc/passwd", "/h/sym");
      f.mkdir(`/long/${A}/${B}`, { recursive: true });
      f.writeFile(`/long/${A}/${B}/${C}`, "x\n");
      f.mknod("/h/fifo", "fifo");
      f.chown("/h/a", { uid: 1000, gid: 1000 });
      f.symlink(`/nowhere/${X}`, "/h/longlink");
    });
    expect(first.tar.equals(fixture("docker-probe-step1.tar"))).toBe(true);
    expect(second.tar.equals(fixture("docker-probe-step2.tar"))).toBe(true);
    expect(first.diffID).toBe("sha256:1f2d70d4ea70b53057f46fd782cd5eb97816f6aad1ab615c7c80b3dff77d1be3");
    expect(second.diffID).toBe("sha256:2bcea680888542fc9b086924321a1eb91e1868e41594298af076da1e77780261");
  });

  it("read back into the same entries and size as the layer reports", async () => {
    const rfs = await busyboxRootFS();
    const dir = "/" + "d".repeat(120);
    const file = `${dir}/${"e".repeat(120)}`;
    const diff = await step(rfs, (f) => {
      f.mkdir(dir);
      f.writeFile(file, "payload");
      f.link(file, "/hard");
      f.symlink("t".repeat(300), "/long-target");
    });
    expect(await layerEntries(diff.tar)).toEqual(diff.entries);
    expect(await layerSize(diff.tar)).toBe(diff.size);
    expect(diff.diffID).toBe(sha256Digest(diff.tar));
    expect(diff.size).toBe(7 + 300);
  });
});

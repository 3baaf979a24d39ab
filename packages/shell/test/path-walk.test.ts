import { describe, expect, it } from "vitest";
import { baseFs, runStep } from "./helpers.js";

/**
 * The process view (mounts such as /dev) and the volume view resolve paths with the same walk
 * (@tsbuild/image's walkPath): the same 40-link limit, ".." in a link's target taken after the
 * links before it as the kernel does, and a link into a mount reaching the mount.
 */
describe("one path walk under a RUN step's mounts and volumes", () => {
  const chain = async (n: number, dir: string) => {
    const fs = await baseFs();
    fs.mkdir(dir, { recursive: true });
    fs.writeFile(`${dir}/target`, "end\n");
    fs.symlink("target", `${dir}/l0`);
    for (let i = 1; i <= n; i++) fs.symlink(`l${i - 1}`, `${dir}/l${i}`);
    return fs;
  };

  for (const volumes of [[], ["/vol"]]) {
    const where = volumes.length ? "in a volume" : "in the image";
    it(`follows 40 links and refuses the 41st ${where}`, async () => {
      const fs = await chain(40, "/vol");
      const ok = await runStep(fs, "cat /vol/l39", { volumes });
      expect(ok.stdout).toBe("end\n");
      const loop = await runStep(fs, "cat /vol/l40", { volumes });
      expect(loop.stderr).toContain("Symbolic link loop");
    });
  }

  it("a link into /dev reaches the mount, and '..' after a link inside a link's target is taken in that link's target", async () => {
    const fs = await baseFs();
    fs.mkdir("/a/b/c", { recursive: true });
    fs.writeFile("/a/b/here", "kernel\n");
    fs.writeFile("/here", "lexical\n");
    fs.symlink("/a/b/c", "/lnk");
    fs.symlink("/lnk/../here", "/via");
    fs.symlink("/dev/null", "/sink");
    const r = await runStep(fs, "echo gone > /sink && cat /via && cat /sink");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("kernel\n");
    // The write went to the mounted /dev/null: the layer changes nothing at /sink or under /dev.
    expect(r.entries.filter((e) => e.path === "sink" || e.path.startsWith("dev"))).toEqual([]);
  });
});

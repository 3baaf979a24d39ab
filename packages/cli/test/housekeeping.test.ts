import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runMain } from "./helpers/run.js";
import { context, seeded } from "./helpers/context.js";

const cli = (argv: string[], cwd: string, stdin = "") => runMain(argv, { cwd, stdin });


describe("docker build flags from scripts", () => {
  it("--label adds sorted LABEL steps to the built stage; --iidfile gets the ID; the rest parse", async () => {
    const root = await seeded();
    const dir = context({ Dockerfile: "FROM base:1 AS one\nRUN echo 1 > /one\nFROM base:1\nCOPY a /a\n", a: "a\n" });
    const r = await cli(
      ["--root", root, "build", "--label", "zz=last", "--label", "org.opencontainers.image.title=app one", "--iidfile", "id.txt",
        "--progress=plain", "--network", "none", "--platform", "linux/amd64", "--pull", "--secret", "id=npmrc,src=a", "--target", "one", "-t", "lab:1", "."],
      dir,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Step 3/4 : LABEL org.opencontainers.image.title="app one"\n');
    expect(r.stdout).toContain("Step 4/4 : LABEL zz=last\n");
    const id = readFileSync(join(dir, "id.txt"), "utf8");
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const inspect = await cli(["--root", root, "inspect", "--format", "{{json .Config.Labels}}", "lab:1"], dir);
    expect(JSON.parse(inspect.stdout)).toEqual({ "org.opencontainers.image.title": "app one", zz: "last" });
    expect((await cli(["--root", root, "inspect", "--format", "{{.Id}}", "lab:1"], dir)).stdout.trim()).toBe(id);
  });

  it("refuses a network or progress mode Docker's classic builder does not have", async () => {
    const dir = context({ Dockerfile: "FROM base:1\n" });
    expect((await cli(["build", "--network", "bridge2", "."], dir)).stderr).toMatch(/network mode "bridge2" not supported/);
    expect((await cli(["build", "--progress", "fancy", "."], dir)).stderr).toMatch(/invalid progress mode "fancy"/);
    expect((await cli(["build", "--secret", "src=x", "."], dir)).stderr).toMatch(/invalid secret "src=x": id is required/);
  });
});

describe("housekeeping", () => {
  it("image prune removes dangling images only, -a the rest; system df counts them", async () => {
    const root = await seeded();
    const dir = context({ Dockerfile: "FROM base:1\nCOPY a /a\n", a: "one\n" });
    expect((await cli(["--root", root, "build", "-t", "app:1", "."], dir)).code).toBe(0);
    writeFileSync(join(dir, "a"), "two, a longer file\n");
    expect((await cli(["--root", root, "build", "-t", "app:1", "."], dir)).code).toBe(0); // the first app:1 dangles

    const df = await cli(["--root", root, "system", "df"], dir);
    expect(df.stdout).toMatch(/^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\nImages\s+3\s+0\s+\S+\s+\S+ \(100%\)\nContainers\s+0\s+0\s+0B\s+0B\nLocal Volumes\s+0\s+0\s+0B\s+0B\nBuild Cache\s+0\s+0\s+0B\s+0B\n$/);

    const asked = await cli(["--root", root, "image", "prune"], dir, "n\n");
    expect(asked.stdout).toBe("WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ");
    expect((await cli(["--root", root, "images", "-q"], dir)).stdout.trim().split("\n")).toHaveLength(3);

    const pruned = await cli(["--root", root, "image", "prune", "-f"], dir);
    expect(pruned.stdout).toMatch(/^Deleted Images:\n(deleted: sha256:[0-9a-f]{64}\n)+\nTotal reclaimed space: \d+B\n$/);
    // Images made in the same second list in ID order, so compare the set.
    const left = (await cli(["--root", root, "images", "--format", "{{.Repository}}:{{.Tag}}"], dir)).stdout;
    expect(left.trim().split("\n").sort()).toEqual(["app:1", "base:1"]);
    expect((await cli(["--root", root, "image", "prune", "-f"], dir)).stdout).toBe("Total reclaimed space: 0B\n");

    const all = await cli(["--root", root, "image", "prune", "-a", "-f"], dir);
    expect(all.stdout).toMatch(/untagged: app:1\n/);
    expect(all.stdout).toMatch(/untagged: base:1\n/);
    expect(all.stdout).toMatch(/Total reclaimed space: [\d.]+[kM]B\n$/);
    expect((await cli(["--root", root, "images", "-q"], dir)).stdout).toBe("");
    expect((await cli(["--root", root, "fsck"], dir)).code).toBe(0);
  });

  it("builder prune removes the cache no tagged image builds on", async () => {
    const root = await seeded();
    const dir = context({ Dockerfile: "FROM base:1\nCOPY a /a\nCOPY a /b\n", a: "one\n" });
    expect((await cli(["--root", root, "build", "-t", "app:1", "."], dir)).code).toBe(0);
    // The step after COPY a is an intermediate image app:1 builds on: cache, in use, no bytes of its own.
    expect((await cli(["--root", root, "system", "df"], dir)).stdout).toMatch(/\nBuild Cache\s+1\s+0\s+0B\s+0B\n$/);
    expect((await cli(["--root", root, "builder", "prune", "-f"], dir)).stdout).toBe("Total reclaimed space: 0B\n");
    expect((await cli(["--root", root, "rmi", "--no-prune", "app:1"], dir)).code).toBe(0);
    const r = await cli(["--root", root, "builder", "prune", "-f"], dir);
    expect(r.stdout).toMatch(/^Deleted build cache objects:\n(deleted: sha256:[0-9a-f]{64}\n)+\nTotal reclaimed space: \d+B\n$/);
    expect((await cli(["--root", root, "images", "-a", "-q"], dir)).stdout.trim().split("\n")).toHaveLength(1);
  });
});

import { describe, expect, it } from "vitest";
import { EMPTY_LAYER_DIFF_ID } from "@tsbuild/image";
import { layerEntries, layerSize, type LayerDiff, type RootFS } from "../src/index.js";
import { busyboxBase, busyboxRootFS, expectedLayers, step } from "./helpers.js";

/**
 * Each case's steps are replayed with the RootFS calls a shell or COPY would make, and every layer
 * must hold exactly the entries (and layerdb size) Docker recorded in expected.json.
 */
async function replay(caseName: string, steps: Array<(rfs: RootFS) => void>): Promise<LayerDiff[]> {
  const rfs = await busyboxRootFS();
  const diffs: LayerDiff[] = [];
  for (const s of steps) diffs.push(await step(rfs, s));
  return diffs;
}

function expectLayers(caseName: string, diffs: LayerDiff[]): void {
  const nonEmpty = diffs.filter((d) => !d.empty);
  const expected = expectedLayers(caseName).slice(1);
  expect(nonEmpty.map((d) => d.entries)).toEqual(expected.map((l) => l.entries));
  expect(nonEmpty.map((d) => d.size)).toEqual(expected.map((l) => l.size));
}

describe("the base layer", () => {
  it("reads into the entries Docker recorded for the imported busybox tar", async () => {
    expect(await layerEntries(busyboxBase())).toEqual(expectedLayers("c08")[0].entries);
  });
  it("has Docker's layerdb size", async () => {
    expect(await layerSize(busyboxBase())).toBe(expectedLayers("c08")[0].size);
  });
});

describe("conformance layers replayed through the API", () => {
  it("c08: deletions become whiteouts, only the topmost deleted directory's", async () => {
    const diffs = await replay("c08", [
      (fs) => {
        fs.mkdir("/d/e", { recursive: true });
        fs.writeFile("/d/f", "one\n");
        fs.writeFile("/d/e/g", "two\n");
      },
      (fs) => fs.unlink("/d/f"),
      (fs) => fs.rm("/d/e", { recursive: true, force: true }),
      (fs) => fs.unlink("/etc/motd"),
      (fs) => fs.rm("/d", { recursive: true, force: true }),
    ]);
    expectLayers("c08", diffs);
  });

  it("c09: a directory deleted and made again is opaque", async () => {
    const diffs = await replay("c09", [
      (fs) => {
        fs.mkdir("/o/sub", { recursive: true });
        fs.writeFile("/o/sub/x", "");
        fs.writeFile("/o/y", "");
        fs.writeFile("/o/keep", "keep\n");
      },
      (fs) => {
        fs.rm("/o", { recursive: true, force: true });
        fs.mkdir("/o");
        fs.writeFile("/o/z", "new\n");
      },
      (fs) => {
        fs.rm("/var", { recursive: true, force: true });
        fs.mkdir("/var");
        fs.writeFile("/var/only", "fresh\n");
      },
    ]);
    expectLayers("c09", diffs);
  });

  it("c10: metadata and same-content changes copy whole files up; a no-op step is empty", async () => {
    const diffs = await replay("c10", [
      (fs) => fs.writeFile("/etc/motd", "more\n", { append: true }),
      (fs) => fs.chmod("/etc/motd", 0o600),
      (fs) => fs.chmod("/bin/busybox", 0o4755),
      (fs) => {
        fs.writeFile("/tmp/p", fs.readFile("/etc/passwd"));
        fs.writeFile("/etc/passwd", fs.readFile("/tmp/p"));
        fs.unlink("/tmp/p");
      },
      (fs) => {
        const now = new Date();
        fs.utimes("/etc/group", now, now);
      },
      () => {},
    ]);
    expectLayers("c10", diffs);
    const last = diffs[diffs.length - 1];
    expect(last.empty).toBe(true);
    expect(last.tar).toEqual(Buffer.alloc(1024));
    expect(last.diffID).toBe(EMPTY_LAYER_DIFF_ID);
  });

  it("c11: symlinks, hard links within a layer, replacing a symlink", async () => {
    const diffs = await replay("c11", [
      (fs) => {
        fs.symlink("/bin/busybox", "/usr/local/bin/bb");
        fs.symlink("../etc/motd", "/srv/motd-link");
      },
      (fs) => {
        fs.mkdir("/h");
        fs.writeFile("/h/a", "shared\n");
        fs.link("/h/a", "/h/b");
        fs.link("/h/a", "/h/c");
      },
      (fs) => {
        fs.unlink("/bin/ls");
        fs.writeFile("/bin/ls", "not a link\n");
      },
      (fs) => {
        fs.unlink("/srv/motd-link");
        fs.symlink("/etc/group", "/srv/motd-link");
      },
    ]);
    expectLayers("c11", diffs);
  });

  it("c12: renaming a file or a lower directory is whiteout plus copy", async () => {
    const diffs = await replay("c12", [
      (fs) => fs.rename("/etc/motd", "/etc/motd.bak"),
      (fs) => {
        fs.mkdir("/m/n", { recursive: true });
        fs.writeFile("/m/n/f", "1\n");
        fs.writeFile("/m/g", "2\n");
      },
      (fs) => fs.rename("/m", "/moved"),
      (fs) => fs.rename("/moved/g", "/moved/n/g"),
    ]);
    expectLayers("c12", diffs);
  });

  it("c07: WORKDIR of an existing directory is an empty layer", async () => {
    const diffs = await replay("c07", [
      (fs) => fs.mkdir("/a/b/c", { recursive: true }),
      (fs) => fs.mkdir("/a/b/c/rel/dir", { recursive: true }),
      (fs) => fs.writeFile("/pwd.txt", "/a/b/c/rel/dir\n"),
      (fs) => fs.writeFile("/a/b/c/rel/dir/w.txt", "w\n"),
      (fs) => {
        fs.mkdir("/a/b/c/rel/dir/sub", { recursive: true });
        fs.writeFile("/a/b/c/rel/dir/sub/w.txt", "w\n");
      },
      (fs) => fs.mkdir("/etc", { recursive: true }),
      (fs) => fs.mkdir("/a/b/c", { recursive: true }),
    ]);
    expectLayers("c07", diffs);
    expect(diffs.map((d) => d.empty)).toEqual([false, false, false, false, false, true, true]);
  });

  it("c30: writing through a symlinked directory lands in its target", async () => {
    const diffs = await replay("c30", [
      (fs) => {
        fs.mkdir("/l", { recursive: true });
        fs.writeFile("/l/link.txt", "target\n");
      },
      (fs) => {
        fs.mkdir("/real-dir", { recursive: true });
        fs.symlink("/real-dir", "/linked");
      },
      (fs) => fs.writeFile("/linked/real.txt", "target\n"),
    ]);
    expectLayers("c30", diffs);
  });
});

import { afterAll, describe, expect, test } from "vitest";
import { BuildContext } from "@tsbuild/context";
import { historyHashes, prepareCase, readCase, removeTempDirs } from "./helpers.js";

afterAll(removeTempDirs);

/**
 * For each case, the sources of its context COPY/ADD steps in history order (COPY --from steps
 * hash differently and are not the context's business). The expected hashes are the ones real
 * Docker wrote into the history.
 */
const CASES: Record<string, string[][]> = {
  "c02-copy-files": [["a.txt"], ["a.txt"], ["b.txt", "c.txt"], ["c.txt"]],
  "c03-copy-dirs": [["src/"], ["src"], ["src/lib"], ["src/empty"]],
  "c04-copy-globs": [["*.txt"], ["web/js/*.js"], ["?ne.txt"], ["docs*"]],
  "c05-copy-chown": [["f.txt"], ["f.txt"], ["tree"], ["f.txt"]],
  "c06-add-archives": [["pkg.tar"], ["flat.tar.gz"], ["plain.txt"], ["pkg.tar"]],
  "c07-workdir": [["w.txt"], ["w.txt"]],
  "c13-env-expansion": [["e.txt"], ["e.txt"]],
  "c17-dockerignore": [["."]],
  "c23-escape-directive": [["Dockerfile"]],
  "c24-overwrite": [["v1.bin"], ["v2.bin"]],
  "c25-cache-order": [["package.json"], ["src/"]],
  "c26-scratch": [["hello"], ["rootfs/"]],
  // The COPY comes from the parent image's ONBUILD trigger, run in the child's context.
  "c27-onbuild": [["data.txt"]],
  "c30-copy-symlinks": [["link.txt"], ["real.txt"]],
};

async function hashesOf(dir: string, steps: string[][]): Promise<string[]> {
  const ctx = await BuildContext.fromDirectory(dir);
  return steps.map((srcs) => ctx.sourceHash(ctx.resolveSources(srcs)));
}

describe("COPY/ADD hashes equal Docker's history", () => {
  for (const [name, steps] of Object.entries(CASES)) {
    test(name, async () => {
      const { expected } = readCase(name);
      const image = expected.image as { history: unknown };
      const want = historyHashes(image.history);
      expect(want).toHaveLength(steps.length);
      expect(await hashesOf(prepareCase(name), steps)).toEqual(want);
    });
  }
});

describe("hashes after the case's mutation equal Docker's", () => {
  for (const name of ["c02-copy-files", "c03-copy-dirs", "c17-dockerignore", "c25-cache-order"]) {
    test(name, async () => {
      const { json, expected } = readCase(name);
      expect(json.mutate?.length).toBeGreaterThan(0);
      const want = historyHashes(expected.after_mutation_history);
      expect(await hashesOf(prepareCase(name, { mutate: true }), CASES[name])).toEqual(want);
    });
  }

  test("c17: changing an ignored file keeps the hash, so the step stays cached", async () => {
    const [before] = await hashesOf(prepareCase("c17-dockerignore"), [["."]]);
    const [after] = await hashesOf(prepareCase("c17-dockerignore", { mutate: true }), [["."]]);
    expect(after).toBe(before);
  });

  test("c03: changing a file changes the hash of every directory holding it, and only those", async () => {
    const before = await hashesOf(prepareCase("c03-copy-dirs"), CASES["c03-copy-dirs"]);
    const after = await hashesOf(prepareCase("c03-copy-dirs", { mutate: true }), CASES["c03-copy-dirs"]);
    expect(after.map((h, i) => h === before[i])).toEqual([false, false, false, true]);
  });
});

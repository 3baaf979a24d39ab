import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BuildError } from "@tsbuild/builder";
import { buildDir, busyboxStore, contextDir } from "./helpers.js";

/** BuildKit's plain progress for failures, as recorded from Docker 20.10 (b-ro-bind-fail, b-31k-025, b-29-009). */
describe("BuildKit mode: a failed step in BuildKit's words", () => {
  it("a RUN: its output as the vertex's timed log lines, the ERROR line, the summary block, executor failed running", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nRUN echo before > /before\nRUN echo out && echo oops >&2 && exit 3\nRUN echo never\n" });
    const lines: string[] = [];
    const err = (await buildDir(store, dir, { buildkit: true, output: (s) => lines.push(s) }).catch((e) => e)) as BuildError;
    rmSync(dir, { recursive: true, force: true });
    expect(err).toBeInstanceOf(BuildError);
    expect(err.exitCode).toBe(3);
    expect(err.message).toBe("executor failed running [/bin/sh -c echo out && echo oops >&2 && exit 3]: exit code: 3");
    const out = lines.join("").split("\n");
    const at = out.indexOf("#3 [3/4] RUN echo out && echo oops >&2 && exit 3");
    expect(at).toBeGreaterThan(0);
    expect(out[at + 1]).toMatch(/^#3 \d+\.\d{3} out$/);
    expect(out[at + 2]).toMatch(/^#3 \d+\.\d{3} oops$/);
    expect(out.slice(at + 3, at + 7)).toEqual([
      "#3 ERROR: executor failed running [/bin/sh -c echo out && echo oops >&2 && exit 3]: exit code: 3",
      "------",
      " > [3/4] RUN echo out && echo oops >&2 && exit 3:",
      "------",
    ]);
    expect(lines.join("")).not.toContain("echo never");
  });

  it("a COPY of a missing source fails its cache key, naming the path its symlink leads to; later failing copies are listed too", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nCOPY lnk /x\nRUN true\nCOPY gone /y\n", lnk: "->target.txt" });
    const lines: string[] = [];
    const err = (await buildDir(store, dir, { buildkit: true, output: (s) => lines.push(s) }).catch((e) => e)) as BuildError;
    rmSync(dir, { recursive: true, force: true });
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toBe('failed to compute cache key: "/target.txt" not found: not found (Dockerfile:2: COPY lnk /x)');
    const out = lines.join("").split("\n").filter((l) => / ERROR: |^------$|^ > /.test(l));
    expect(out).toEqual([
      '#2 ERROR: "/target.txt" not found: not found',
      '#4 ERROR: "/gone" not found: not found',
      "------",
      " > [2/4] COPY lnk /x:",
      "------",
      "------",
      " > [4/4] COPY gone /y:",
      "------",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { ContentCache } from "@tsbuild/fetch";
import { cacheCommand } from "../src/commands/cache.js";
import { run, tempDir } from "./helpers/run.js";

describe("tsbuild cache", () => {
  it("lists the store's content cache and prunes it", async () => {
    const root = tempDir();
    const cache = new ContentCache(`${root}/content`);
    cache.putUrl("http://archive.invalid/dists/x/InRelease", Buffer.from("signed index\n"));
    cache.putUrl("http://archive.invalid/pool/a.deb", Buffer.from("deb bytes"));
    const ls = await run(cacheCommand, ["ls"], { root });
    expect(ls.code).toBe(0);
    expect(ls.stdout.split("\n")).toEqual([
      "DIGEST         SIZE        URL",
      expect.stringMatching(/^[0-9a-f]{12} {11}13  http:\/\/archive\.invalid\/dists\/x\/InRelease$/),
      expect.stringMatching(/^[0-9a-f]{12} {12}9  http:\/\/archive\.invalid\/pool\/a\.deb$/),
      "",
    ]);
    expect(await run(cacheCommand, ["prune"], { root })).toEqual({ code: 0, stdout: "Total reclaimed space: 22 B\n", stderr: "" });
    expect(cache.list()).toEqual([]);
    expect((await run(cacheCommand, [], { root })).stderr).toMatch(/"tsbuild cache" requires ls or prune/);
  });
});

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "@tsbuild/store";
import { importCommand } from "../src/commands/import.js";
import { busyboxTar, cliBin, run, tempDir } from "./helpers/run.js";

const BUSYBOX_DIFF_ID = "sha256:8ca9e879270bb6267c7f80c729a4fc834d6e950b24b3d5a00d2855e445e79c89";

describe("tsbuild import", () => {
  it("imports a file, prints sha256:<id>, tags it; the layer's diffID is the busybox cases' base", async () => {
    const root = tempDir();
    const r = await run(importCommand, [busyboxTar, "conformance/busybox:1"], { root });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^sha256:[a-f0-9]{64}\n$/);
    const store = openStore(root);
    const id = store.resolve("conformance/busybox:1")!;
    expect(id).toBe(r.stdout.trim());
    const config = JSON.parse((await store.getImage(id)!.rawConfig()).toString());
    expect(config.rootfs.diff_ids).toEqual([BUSYBOX_DIFF_ID]);
    expect(config.history).toEqual([{ created: config.created, comment: "Imported from -" }]);
  });

  it("reads stdin for -, takes -m", async () => {
    const root = tempDir();
    const r = await run(importCommand, ["-", "-m", "from stdin"], { root, stdin: readFileSync(busyboxTar) });
    expect(r.code).toBe(0);
    const config = JSON.parse((await openStore(root).getImage(r.stdout.trim())!.rawConfig()).toString());
    expect(config.comment).toBe("from stdin");
  });

  it("downloads a URL and names it in the history comment", async () => {
    const server = createServer((_, res) => res.end(readFileSync(busyboxTar)));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rootfs.tar`;
    try {
      const root = tempDir();
      const r = await run(importCommand, [url, "web:1"], { root });
      expect(r.stderr).toBe("");
      const config = JSON.parse((await openStore(root).getImage(r.stdout.trim())!.rawConfig()).toString());
      expect(config.history[0].comment).toBe(`Imported from ${url}`);
    } finally {
      server.close();
    }
  });

  it("a missing file, a corrupt tar, a bad name and --change fail with exit 1 and a clear error", async () => {
    const root = tempDir();
    expect(await run(importCommand, ["nothere.tar"], { root })).toEqual({
      code: 1, stdout: "", stderr: `Error: open ${join(root, "nothere.tar")}: no such file or directory\n`,
    });
    const bad = join(root, "bad.tar");
    writeFileSync(bad, "not a tar file at all".repeat(100));
    expect(await run(importCommand, [bad], { root })).toMatchObject({ code: 1, stderr: "Error: archive/tar: invalid tar header\n" });
    expect((await run(importCommand, [busyboxTar, "UPPER"], { root })).stderr).toBe("Error: invalid reference format: repository name must be lowercase\n");
    expect((await run(importCommand, [busyboxTar, "-c", "CMD sh"], { root })).stderr).toMatch(/--change is not supported/);
    expect((await run(importCommand, [], { root })).stderr).toMatch(/"tsbuild import" requires at least 1 and at most 2 arguments/);
    expect(openStore(root).listImages()).toEqual([]);
  });

  it("the built CLI imports and exits 0, and exits 1 on an unknown image", () => {
    expect(existsSync(cliBin), "run pnpm tsc -b before the CLI tests").toBe(true);
    const root = tempDir();
    const ok = spawnSync(process.execPath, [cliBin, "import", "--root", root, busyboxTar, "bb:1"], { encoding: "utf8" });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^sha256:[a-f0-9]{64}\n$/);
    const bad = spawnSync(process.execPath, [cliBin, "history", "--root", root, "nosuch"], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe("Error: No such image: nosuch:latest\n");
  });
});

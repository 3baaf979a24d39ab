import { describe, expect, it } from "vitest";
import { RootFS } from "@tsbuild/fs-snapshot";
import type { ImageStore } from "@tsbuild/store";
import { buildDir, busyboxStore, collect, contextDir } from "./helpers.js";

async function imageFs(store: ImageStore, id: string): Promise<RootFS> {
  const fs = new RootFS();
  for (const l of await store.getImage(id)!.layers()) await fs.applyLayer(await collect(await l.open()));
  return fs;
}

const BODY = 'FROM busybox:test\nARG V=val\nRUN <<EOF\necho "$V" > /x\nEOF\nCOPY <<EOF /file\nhello $V "q"\nEOF\nCOPY <<"A" <<-B /d/\n$V raw\nA\n\tchomped $V\n\tB\n';

describe("heredocs", () => {
  it("are refused by dockerd 20.10's built-in frontend and the classic builder: the body is read as instructions (b-builtin-heredoc, b-classic-heredoc)", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: BODY });
    const bk = await buildDir(store, dir, { buildkit: true }).catch((e) => e);
    expect(bk.message).toBe("failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 4: unknown instruction: ECHO");
    const classic = await buildDir(store, dir).catch((e) => e);
    expect(classic.message).toBe("dockerfile parse error line 4: unknown instruction: ECHO");
  });

  it("run and copy as the 1.4 frontend does when # syntax= names it: expansion unless quoted, <<- strips tabs, files 0664", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "# syntax=docker/dockerfile:1.4\n" + BODY });
    const r = await buildDir(store, dir, { buildkit: true });
    const fs = await imageFs(store, r.imageId);
    expect(fs.readFile("/x").toString()).toBe("val\n");
    expect(fs.readFile("/file").toString()).toBe('hello val "q"\n');
    expect(fs.lstat("/file").mode).toBe(0o664);
    expect(fs.readFile("/d/A").toString()).toBe("$V raw\n");
    expect(fs.readFile("/d/B").toString()).toBe("chomped val\n");
  });
});

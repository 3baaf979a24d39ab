import { describe, expect, test } from "vitest";
import { sha256Digest } from "@tsbuild/image";
import { RootFS, layerSize } from "../src/index.js";

describe("a committed step is a Layer", () => {
  test("layer() streams the step's tar, with the diffID and Docker size the commit computed", async () => {
    const fs = new RootFS({ defaultMtime: new Date(0) });
    fs.beginStep();
    fs.mkdir("/app");
    fs.writeFile("/app/run", "echo hi\n", { mode: 0o755 });
    fs.symlink("run", "/app/start");
    const diff = await fs.commitStep();
    const layer = diff.layer();
    expect(layer).toBe(diff.layer());
    const chunks: Buffer[] = [];
    for await (const c of await layer.open()) chunks.push(c as Buffer);
    const tar = Buffer.concat(chunks);
    expect(tar.equals(diff.tar)).toBe(true);
    expect(await layer.diffID()).toBe(sha256Digest(tar));
    expect(await layer.size()).toBe(await layerSize(tar));
    expect(await layer.size()).toBe(8 + 3);
  });
});

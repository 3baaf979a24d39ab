import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { baseFs, runStep } from "./helpers.js";

const MiB = 2 ** 20;
const saved = process.env.TSBUILD_SPILL_THRESHOLD;

// Files past 1 MiB go to the spill file: the applets below must read them through it.
beforeEach(() => {
  process.env.TSBUILD_SPILL_THRESHOLD = String(MiB);
});
afterEach(() => {
  if (saved === undefined) delete process.env.TSBUILD_SPILL_THRESHOLD;
  else process.env.TSBUILD_SPILL_THRESHOLD = saved;
});

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("files spilled to disk (issue 17)", () => {
  it("dd streams into a spilled file that sha256sum, cp, cat, head, tail, wc and the layer read back exactly", async () => {
    const lines = Buffer.from(Array.from({ length: 900_000 }, (_, i) => `${i + 1}\n`).join(""));
    const want = Buffer.concat([lines, lines, lines, lines]);
    const size = want.length;
    const fs = await baseFs();
    const r = await runStep(
      fs,
      "seq 1 900000 > /s && cat /s /s /s /s > /src && dd if=/src of=/f bs=64k 2>/dev/null && cp /f /g && cat /f > /h && echo end >> /f && " +
        "sha256sum /g /h && head -c 9 /f && tail -c 13 /f && wc -c /f && wc -c /g && cmp /g /h && echo same",
      { limits: { memoryBytes: 64 * MiB } },
    );
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe("");
    const ended = Buffer.concat([want, Buffer.from("end\n")]);
    expect(r.stdout).toBe(
      `${sha(want)}  /g\n${sha(want)}  /h\n${want.subarray(0, 9)}${ended.subarray(-13)}` +
        `${size + 4} /f\n${size} /g\nsame\n`,
    );
    for (const p of ["/s", "/src", "/f", "/g", "/h"]) expect(fs.placeholderBytes(p)).toBe(fs.stat(p).size);
    const bySha = Object.fromEntries(r.entries.filter((e) => e.type === "file").map((e) => [e.path, e.sha256]));
    expect(bySha).toEqual({ f: sha(ended), g: sha(want), h: sha(want), s: sha(lines), src: sha(want) });
  });

  it("dd from /dev/urandom past the step's budget builds: spilled bytes do not count against --memory", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "dd if=/dev/urandom of=/r bs=1M count=24 && wc -c /r", { limits: { memoryBytes: 8 * MiB } });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe(`${24 * MiB} /r\n`);
    expect(r.stderr).toBe("24+0 records in\n24+0 records out\n");
    expect(fs.placeholderBytes("/r")).toBe(24 * MiB);
  });
});

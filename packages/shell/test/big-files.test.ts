import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { baseFs, freshSh, runStep, sh } from "./helpers.js";

const MiB = 2 ** 20;
const GiB = 2 ** 30;
// A budget far below the files written: zeros kept as a size must not count against it.
const limits = { memoryBytes: 4 * MiB };

function sha256Zeros(n: number): string {
  const h = createHash("sha256");
  const z = Buffer.alloc(MiB);
  for (; n >= MiB; n -= MiB) h.update(z);
  return h.update(z.subarray(0, n)).digest("hex");
}

// Issue 17: users write big zero-filled files (dd from /dev/zero, truncate -s) and Docker builds them.
describe("zero-filled files larger than memory", () => {
  it("dd from /dev/zero makes a 5 GiB file in a 4 MiB budget and commits it", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "dd if=/dev/zero of=/big bs=1M count=5120 && wc -c /big", { limits });
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ exitCode: 0, stdout: `${5 * GiB} /big\n`, stderr: "5120+0 records in\n5120+0 records out\n" });
    expect(r.entries).toEqual([expect.objectContaining({ path: "big", size: 5 * GiB, sha256: sha256Zeros(5 * GiB) })]);
    expect(fs.placeholderBytes("/big")).toBe(5 * GiB);
  });

  it("truncate -s, appends, ranged reads and sha256sum work on a placeholder", async () => {
    const r = await freshSh(
      "truncate -s 1500M /f && echo tail >> /f && wc -c /f && head -c 3 /f | od -An -c && tail -c 5 /f && sha256sum /f",
      { limits: { memoryBytes: 1600 * MiB } },
    );
    expect(r.error).toBeUndefined();
    const want = createHash("sha256");
    const z = Buffer.alloc(MiB);
    for (let i = 0; i < 1500; i++) want.update(z);
    want.update("tail\n");
    expect(r.stdout).toBe(`${1500 * MiB + 5} /f\n  \\0  \\0  \\0\ntail\n${want.digest("hex")}  /f\n`);
  });

  it("cp copies a 3 GiB placeholder without reading it whole, and a file with bytes then zeros intact", async () => {
    const fs = await baseFs();
    const r = await sh(fs, "truncate -s 3G /a && cp /a /b && wc -c /b && echo hi > /c && truncate -s 3M /c && cp /c /d && cmp /c /d && echo same", { limits });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe(`${3 * GiB} /b\nsame\n`);
  });

  it("dd with seek and notrunc writes zeros where dd does", async () => {
    const r = await freshSh(
      "printf abcdef > /f && dd if=/dev/zero of=/f bs=1 count=2 seek=1 conv=notrunc 2>/dev/null && od -An -c /f && " +
        "printf abcdef > /g && dd if=/dev/zero of=/g bs=1 count=2 seek=1 2>/dev/null && od -An -c /g && " +
        "dd if=/dev/zero of=/h bs=1M count=2 seek=1 2>/dev/null && wc -c /h",
    );
    expect(r.stdout).toBe("   a  \\0  \\0   d   e   f\n   a  \\0  \\0\n3145728 /h\n");
  });

  it("a whole-file read past the cap says the file is too large, never a RangeError", async () => {
    const r = await freshSh("truncate -s 5G /big && cat /big > /copy", { limits });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/cat: .*\/big.*File too large/);
    expect(r.stderr).not.toMatch(/RangeError|out of range/);
  });

  it("fallocate grows a file to OFS+LEN with zeros kept as a size, as busybox's does", async () => {
    const fs = await baseFs();
    const r = await sh(fs, "fallocate -l 1K -o 10 /f && wc -c /f && fallocate -l 4 /f && wc -c /f && fallocate -l 8G /g && wc -c /g && fallocate /g", { limits });
    expect(r.stdout).toBe(`1034 /f\n1034 /f\n${8 * GiB} /g\n`);
    expect(r.stderr).toContain("Usage: fallocate [-o OFS] -l LEN FILE");
    expect(r.exitCode).toBe(1);
  });
});

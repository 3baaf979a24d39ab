import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { baseFs, freshRun, runStep } from "./helpers.js";

// Issue 17: a step's files, pipes and device reads are Node buffers; past the step's budget the
// step stops with a message, never Node's RangeError or a heap abort.
describe("the step's memory budget", () => {
  const MiB = 2 ** 20;
  const limits = { memoryBytes: 4 * MiB };

  // This test used /dev/zero until zero-filled files became sized placeholders (they hold no
  // memory, and Docker builds them): random bytes are the input that still has to be held.
  it("stops dd before it allocates past the budget", async () => {
    const r = await freshRun("dd if=/dev/urandom of=/f bs=1M count=20000", { limits });
    expect(r.exitCode).not.toBe(0);
    expect(r.error).toBe("the step's files exceed the memory limit of 4 MiB (use --memory)");
    expect(r.stderr).not.toMatch(/RangeError|out of range/);
  });

  it("stops a pipe of /dev/zero into a hash past the budget", async () => {
    const r = await freshRun("head -c 200000000 /dev/zero | sha256sum", { limits });
    expect(r.error).toMatch(/memory limit of 4 MiB/);
  });

  it("counts the step's files together, and a stopped step runs nothing more", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "for i in 1 2 3 4 5; do head -c 1000000 /dev/zero > /f$i; done; touch /after", { limits });
    expect(r.error).toMatch(/memory limit/);
    expect(fs.exists("/after")).toBe(false);
  });

  it("rewriting one file counts it once", async () => {
    const r = await freshRun("for i in 1 2 3 4 5 6 7 8; do head -c 1000000 /dev/zero > /f; done", { limits });
    expect(r).toMatchObject({ exitCode: 0 });
    expect(r.error).toBeUndefined();
  });

  it("pipes tens of megabytes through a hash intact", async () => {
    const r = await freshRun("head -c 20000000 /dev/zero | sha256sum", { limits: { memoryBytes: 64 * MiB } });
    expect(r.stdout).toBe(`${createHash("sha256").update(Buffer.alloc(20_000_000)).digest("hex")}  -\n`);
  });
});

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The worker runs the compiled module (a worker cannot load the TypeScript sources), so this
// checks dist/ as built by `pnpm build`, against the host's xz.
const dist = new URL("../dist/deb/real/decompress.js", import.meta.url);
const hasXz = (() => {
  try {
    execFileSync("xz", ["--version"]);
    return true;
  } catch {
    return false;
  }
})();
const ready = existsSync(dist) && existsSync(new URL("../dist/deb/real/xz-worker.js", import.meta.url));
if (!ready || !hasXz) console.warn(`xz worker test skipped: ${!ready ? "packages/pkgsim/dist is not built (pnpm build)" : "no xz on this machine"}`);

describe.skipIf(!ready || !hasXz)("xz on the worker thread", () => {
  it("gives the bytes the main thread's decoder and the host's xz give, several requests at once, and the same error for a damaged stream", async () => {
    const { inWorker, decompress } = (await import(dist.href)) as typeof import("../src/deb/real/decompress.js");
    const { xzChunks } = (await import(new URL("../dist/deb/real/xz.js", import.meta.url).href)) as typeof import("../src/deb/real/xz.js");
    const inputs = [
      Buffer.concat([Buffer.from("a".repeat(300_000)), randomBytes(200_000), Buffer.from("tail\n".repeat(50_000))]),
      Buffer.alloc(0),
      randomBytes(70_000),
    ];
    // multi-block streams, as dpkg-deb's threaded xz writes them
    const packed = inputs.map((b) => execFileSync("xz", ["-c", "-T2", "--block-size=131072"], { input: b, maxBuffer: 1 << 26 }));
    const results = await Promise.all(packed.map((p) => inWorker(p)));
    for (const [i, r] of results.entries()) {
      expect(r, "the worker answered").toBeDefined();
      expect(Buffer.concat(r!).equals(inputs[i])).toBe(true);
      expect(Buffer.concat(await xzChunks(packed[i])).equals(inputs[i])).toBe(true);
      expect((await decompress(packed[i])).equals(inputs[i])).toBe(true);
    }
    const damaged = Buffer.from(packed[0]);
    damaged[damaged.length >> 1] ^= 0xff;
    const here = await xzChunks(damaged).then(() => "no error", (e: Error) => e.message);
    const there = await inWorker(damaged)!.then(() => "no error", (e: Error) => e.message);
    expect(here).not.toBe("no error");
    expect(there).toBe(here);
  });
});

import { busyboxGzip } from "@tsbuild/archive";
import { describe, expect, it } from "vitest";
import { baseFs, runStep } from "./helpers.js";

/** The input every case compresses: long enough for the builds' hash sizes and levels to matter. */
const DATA = Buffer.from(Array.from({ length: 4000 }, (_, i) => `line ${i % 97} of ${(i * 7919) % 1009}\n`).join(""));

async function gzipIn(prepare: (fs: Awaited<ReturnType<typeof baseFs>>) => void, cmd: string): Promise<Buffer> {
  const fs = await baseFs("busybox");
  prepare(fs);
  fs.writeFile("/in", DATA);
  const r = await runStep(fs, cmd);
  expect(r.exitCode, r.stderr).toBe(0);
  return fs.readFile("/x.gz");
}

describe("gzip applets pick the image's build", () => {
  it("Debian's busybox-static (the conformance busybox base): no levels, so -9 is -6", async () => {
    const out = await gzipIn(() => {}, "gzip -9 < /in > /x.gz");
    expect(out.equals(Buffer.from(busyboxGzip(DATA, { level: 6, build: { gzipFast: 2, levels: false } })))).toBe(true);
    expect(out[8]).toBe(0);
  });

  it("Alpine's busybox (/etc/alpine-release, no Debian version string): levels, XFL 2 for -9", async () => {
    const out = await gzipIn((fs) => {
      fs.writeFile("/bin/busybox", Buffer.from("\x7fELF BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary"), { mode: 0o755 });
      fs.writeFile("/etc/alpine-release", Buffer.from("3.19.1\n"));
    }, "gzip -9 < /in > /x.gz");
    expect(out.equals(Buffer.from(busyboxGzip(DATA, { level: 9, build: { gzipFast: 2, levels: true } })))).toBe(true);
  });

  it("an upstream defconfig busybox (Docker Hub's): small memory, no levels", async () => {
    const out = await gzipIn((fs) => {
      fs.writeFile("/bin/busybox", Buffer.from("\x7fELF BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary"), { mode: 0o755 });
    }, "gzip -1 < /in > /x.gz");
    expect(out.equals(Buffer.from(busyboxGzip(DATA, { build: { gzipFast: 0, levels: false } })))).toBe(true);
    expect(out.equals(Buffer.from(busyboxGzip(DATA, { build: { gzipFast: 2, levels: false } })))).toBe(false);
  });

  it("busybox tar -z is busybox gzip over the archive", async () => {
    const out = await gzipIn(() => {}, "cd / && tar czf /x.gz in");
    const fs = await baseFs("busybox");
    fs.writeFile("/in", DATA);
    await runStep(fs, "cd / && tar cf /x.tar in");
    expect(out.equals(Buffer.from(busyboxGzip(fs.readFile("/x.tar"), { build: { gzipFast: 2, levels: false } })))).toBe(true);
  });
});

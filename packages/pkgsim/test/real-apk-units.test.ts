import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { compareApkVersions, satisfies } from "../src/apk/version.js";
import { splitGzip } from "../src/apk/real/gzip.js";
import { readScriptsTar, tarEntry } from "../src/apk/real/tar.js";

describe("apk's version order (version.c)", () => {
  const cases: Array<[string, string, number]> = [
    ["1.0", "1.0", 0], ["1.0", "1.1", -1], ["1.0_rc1", "1.0", -1], ["1.0_p1", "1.0", 1], ["1.0-r1", "1.0-r0", 1], ["1.0-r0", "1.0", 1],
    ["1.01", "1.1", -1], ["1.0a", "1.0", 1], ["2.12.1-r0", "2.9-r5", 1], ["6.4_p20240420-r0", "6.4-r0", 1], ["1.0_alpha", "1.0_beta", -1],
    ["13.2.1_git20240309-r0", "13.2.1-r0", 1], ["1.2.3", "1.2", 1], ["3.0.12-r4", "3.0.9-r0", 1], ["1.0_rc1", "1.0_rc2", -1],
  ];
  it.each(cases)("%s vs %s → %d", (a, b, want) => {
    expect(compareApkVersions(a, b)).toBe(want);
    expect(compareApkVersions(b, a)).toBe(-want || 0);
  });
  it("~ matches by leading tokens", () => {
    expect(satisfies("1.2.3-r1", "~", "1.2")).toBe(true);
    expect(satisfies("1.3", "~", "1.2")).toBe(false);
    expect(satisfies("1.0_rc1", "<", "1.0")).toBe(true);
  });
});

describe("apk's archive pieces", () => {
  it("splits concatenated gzip streams at their boundaries", () => {
    const a = gzipSync(Buffer.from("signature")), b = gzipSync(Buffer.from("control")), c = gzipSync(Buffer.from("data"));
    const parts = splitGzip(Buffer.concat([a, b, c]), "x.apk");
    expect(parts.map((p) => p.data.toString())).toEqual(["signature", "control", "data"]);
    expect(parts[1].raw.equals(b)).toBe(true);
    expect(() => splitGzip(Buffer.concat([a, Buffer.from("junk-junk-junk-junk")]), "x.apk")).toThrow(/x\.apk: not a gzip stream at byte/);
  });
  it("writes scripts.tar entries as apk_tar_write_entry does and reads them back", () => {
    const e = tarEntry("busybox-1.36.1-r29.Q1abc=.trigger", Buffer.from("#!/bin/sh\n"), 0o755, 1711000000);
    expect(e.length).toBe(1024);
    expect(e.subarray(100, 108).toString("latin1")).toBe("0000755\0");
    expect(e.subarray(124, 136).toString("latin1")).toBe("000000000012");
    expect(e.subarray(257, 265).toString("latin1")).toBe("ustar  \0");
    const back = readScriptsTar(Buffer.concat([e, Buffer.alloc(1024)]));
    expect(back).toEqual([{ name: "busybox-1.36.1-r29.Q1abc=.trigger", mode: 0o755, mtime: 1711000000, data: Buffer.from("#!/bin/sh\n") }]);
  });
});

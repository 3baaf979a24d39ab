import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RootFS } from "@tsbuild/fs-snapshot";
import { run } from "./helpers.js";

// Differential: `dpkg --validate-version` and `--compare-versions` (which maintainer scripts and
// dpkg-maintscript-helper call) against the host's real dpkg, on generated and hand-picked versions.
const real = spawnSync("dpkg", ["--version"], { encoding: "utf8" });
const hasDpkg = real.status === 0;
if (!hasDpkg) console.warn("dpkg-versions.test: no dpkg on this machine: the differential test is SKIPPED");

function dpkg(args: string[]) {
  const r = spawnSync("dpkg", args, { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function sim(args: string[]) {
  const r = await run(new RootFS(), "/usr/bin/dpkg", args);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

// dpkg reads an action's first argument as an option when it starts with "-": those that are not
// dpkg's own option letters are checked ("-1:2", "-~1"); generated first arguments avoid "-".
const FIXED = ["1.2-3", "1:2.0~rc1-1+deb12u1", "abc", "", "  ", "1:", "a:1", ":1", "+1:2", "-1:2", "-~1", "--x=1", "-", "1.0 x", " 1.0 ", "1_0", "1.0-a_b",
  "1-", "1:-1", "0:0", "1:2:3-4", "1.0-1-2", "2147483648:1", "2147483647:1", "~1", "1~~", "1.0+git20230101.abcdef-0.1", "<unknown>"];

const versionText = fc.string({ unit: fc.constantFrom(..."0123456789abAZ.+~-:_ \t".split("")), maxLength: 8 });
const relation = fc.constantFrom("lt", "le", "eq", "ne", "ge", "gt", "lt-nl", "le-nl", "ge-nl", "gt-nl", "<", "<=", "<<", "=", ">", ">=", ">>", "xx");

describe.skipIf(!hasDpkg)("dpkg's version enquiries, against the real dpkg", () => {
  it("--validate-version: the same exit code and words for fixed and generated versions", async () => {
    for (const v of FIXED) expect(await sim(["--validate-version", v]), JSON.stringify(v)).toEqual(dpkg(["--validate-version", v]));
    await fc.assert(fc.asyncProperty(versionText.filter((v) => !v.startsWith("-")), async (v) => {
      expect(await sim(["--validate-version", v])).toEqual(dpkg(["--validate-version", v]));
    }), { numRuns: Number(process.env.TSBUILD_DIFF_RUNS ?? 150), seed: Number(process.env.TSBUILD_DIFF_SEED ?? 16) });
    expect(await sim(["--validate-version"])).toEqual(dpkg(["--validate-version"]));
    for (const v of ["1.0", "-1", "abc"]) expect(await sim(["--validate-version", "--", v])).toEqual(dpkg(["--validate-version", "--", v]));
  });

  it("--compare-versions: the same exit code and words for every relation", async () => {
    const pairs = [["-1:2", "1"], ["1.2", "1.10"], ["1.0~rc1", "1.0"], ["1:0.9", "2.0"], ["", "1"], ["1", ""], ["", ""], ["<unknown>", "1"], ["abc", "1"], ["1.0-1", "1.0-1"], ["1.0", "1.0-0"]];
    for (const [a, b] of pairs) for (const rel of ["lt", "le-nl", "gt-nl", "eq", ">>", "<", "xx"]) {
      expect(await sim(["--compare-versions", a, rel, b]), `${a} ${rel} ${b}`).toEqual(dpkg(["--compare-versions", a, rel, b]));
    }
    await fc.assert(fc.asyncProperty(versionText.filter((v) => !v.startsWith("-")), relation, versionText, async (a, rel, b) => {
      expect(await sim(["--compare-versions", a, rel, b])).toEqual(dpkg(["--compare-versions", a, rel, b]));
    }), { numRuns: Number(process.env.TSBUILD_DIFF_RUNS ?? 200), seed: Number(process.env.TSBUILD_DIFF_SEED ?? 16) });
    expect(await sim(["--compare-versions", "1", "lt"])).toEqual(dpkg(["--compare-versions", "1", "lt"]));
  });
});

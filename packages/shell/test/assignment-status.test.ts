import { describe, expect, it } from "vitest";
import { freshRun } from "./helpers.js";

// POSIX 2.9.1: a command with no command name completes with the status of its last command
// substitution, else 0. Maintainer scripts run under `set -e` and end branches with plain
// assignments; before the patch such a branch kept the condition's failure and stopped them.
// Expected outputs are what dash 0.5.12 and busybox 1.35 ash print for each script.
const CASES: Array<[string, string]> = [
  ["if false; then :; else t=no; fi; echo st=$?", "st=0\n"],
  ["false; t=no; echo st=$?", "st=0\n"],
  ["set -e; false || t=no; echo ok $t", "ok no\n"],
  ["set -e\nif false; then t=yes; else t=no; fi\necho after $t", "after no\n"],
  ["t=$(false); echo st=$?", "st=1\n"],
  ["t=`false`; echo st=$?", "st=1\n"],
  ["false; t=$?; echo t=$t", "t=1\n"],
  ["t=$(true) u=$(false); echo st=$?", "st=1\n"],
  ["false; t=$((1+1)); echo st=$?", "st=0\n"],
];

describe("the status of a command that only assigns", () => {
  for (const [script, out] of CASES) {
    it(JSON.stringify(script), async () => {
      const r = await freshRun(["/bin/sh", "-c", script]);
      expect({ code: r.exitCode, out: r.stdout }).toEqual({ code: 0, out });
    });
  }
});

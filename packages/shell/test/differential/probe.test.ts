import { afterAll, it } from "vitest";
import { both, cleanupHarness, type FixtureEntry } from "./harness.js";
afterAll(cleanupHarness);
const cmds = (process.env.PROBE ?? "ls -l").split(";;");
const flavours = (process.env.FLAV ?? "busybox,gnu").split(",") as ("busybox" | "gnu")[];
const fixture: FixtureEntry[] = [
  { path: "a b", type: "file", mode: 0o644, content: "hello\nworld\n" },
  { path: "-x", type: "file", mode: 0o600, content: "zz\n" },
  { path: "d", type: "dir", mode: 0o755 },
  { path: "d/é", type: "file", mode: 0o755, content: "3\n1\n2\n" },
  { path: "d/t.txt", type: "file", mode: 0o640, content: "b 2\na 10\nc 1\na 2\n" },
  { path: "l", type: "symlink", target: "d" },
];
it("probe", async () => {
  const lines: string[] = [];
  for (const flavour of flavours)
    for (const cmd of cmds) {
      const { real, sim } = await both(flavour, fixture, cmd);
      for (const k of ["stdout", "stderr", "exitCode", "tree"] as const) {
        const a = JSON.stringify(real[k]), b = JSON.stringify(sim[k]);
        if (a !== b) lines.push(`DIFF ${flavour} [${cmd}] ${k}\n   real: ${a}\n   sim:  ${b}`);
      }
    }
  console.log(lines.join("\n") || "ALL SAME");
});

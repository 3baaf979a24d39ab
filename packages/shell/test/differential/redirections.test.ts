import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { cleanupHarness, type FixtureEntry, isRoot } from "./harness.js";
import { batch, check, count, flavours, RUNS, same } from "./generators.js";

afterAll(cleanupHarness);

// A file, a directory, a read-only file and a missing directory for redirections to aim at.
const fixture: FixtureEntry[] = [
  { path: "f", type: "file", mode: 0o644, content: "old\n" },
  { path: "d", type: "dir", mode: 0o755 },
  { path: "ro", type: "file", mode: 0o444, content: "ro\n" },
];
const targets = ["f", "d", "new", "nodir/x", "d/x", "nodir/y/z", "ro"];
const commands = ["echo hi", "false", "ls -d d", "true", "printf 'a\\nb\\n'"];

/**
 * A redirection that cannot be opened fails its command with the shell's own message and
 * status, and the script goes on (root, as a RUN step is: `ro` is writable to root).
 */
const scripts = fc.array(
  fc.tuple(fc.constantFrom(...commands), fc.constantFrom(">", ">>", "<", "2>"), fc.constantFrom(...targets), fc.constantFrom("", " && echo then", " || echo else")),
  { minLength: 1, maxLength: 4 },
)
  // Reading a directory: the shell opens it and the command's read fails; tsbuild fails the open.
  .filter((parts) => !parts.some(([, op, t]) => op === "<" && t === "d"))
  .map((parts) => parts.map(([c, op, t, tail]) => `${c} ${op} ${t}${tail}`));

describe.skipIf(!isRoot)("a redirection that cannot be opened, as the image's shell handles it", () => {
  for (const flavour of flavours) {
    it(`fails its command and the script goes on (${flavour})`, async () => {
      await check(scripts, async (cmds) => {
        for (const c of cmds) count(`redirect ${c.split(" ").slice(-2).join(" ")} [${flavour}]`);
        // The sandbox's run wraps the script in a group one line down: dash's line numbers differ by that.
        await same(flavour, fixture, batch(cmds), { replace: [[/^(\/bin\/sh): \d+: /gm, "$1: N: "]] });
      }, RUNS * 3);
    });
  }
});

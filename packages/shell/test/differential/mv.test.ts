import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { cleanupHarness, type FixtureEntry, isRoot } from "./harness.js";
import { batch, check, count, flavours, q, RUNS, same, treeArb } from "./generators.js";

afterAll(cleanupHarness);

const fixture: FixtureEntry[] = [
  { path: "f", type: "file", mode: 0o644, content: "f\n" },
  { path: "g", type: "file", mode: 0o600, content: "g\n" },
  { path: "d", type: "dir", mode: 0o755 },
  { path: "d/in", type: "file", mode: 0o644, content: "in\n" },
  { path: "e", type: "dir", mode: 0o700 },
  { path: "full", type: "dir", mode: 0o755 },
  { path: "full/d", type: "dir", mode: 0o755 },
  { path: "full/d/x", type: "file", mode: 0o644, content: "x\n" },
  { path: "lnk", type: "symlink", target: "d" },
  { path: "dangling", type: "symlink", target: "nowhere" },
];

// busybox's usage names its build; tsbuild's names itself. The host's busybox is linked with
// glibc, Alpine's with musl, whose strerror(ELOOP) tsbuild prints.
const usageLine: { replace: Array<[RegExp, string]> } = {
  replace: [
    [/^BusyBox .* multi-call binary\.$/gm, "BusyBox multi-call binary."],
    [/Too many levels of symbolic links/g, "Symbolic link loop"],
  ],
};
const cases = [
  "mv missing x", "mv f nodir/x", "mv d d/sub", "mv f d", "mv g e/", "mv d f2", "mv -n f g", "mv -f missing1 missing2 d",
  "mv f g e", "mv e/g e/g", "mv d e", "mv -v f z", "mv -i f g < /dev/null", "echo y | mv -i f g", "mv -t e f g", "mv -T d e",
  "mv x y z", "mv f f", "ln f hl; mv f hl", "mv -T f e", "mv -T d g", "mv -T d full", "mv d full", "mv lnk e", "mv dangling d",
  "mv d/ e", "mv f d/", "mv -t nodir f", "mv d/in .", "mv full/d .",
];
const gnuOnly = ["mv f", "mv", "mv -t g f", "mv -T f g h", "mv -b f g", "mv -u f g", "touch -d @1 f; mv -u f g", "mv --bogus f g", "mv -v d full/d e"];

describe.skipIf(!isRoot)("mv behaves like the image's (as root, as a RUN step is)", () => {
  for (const flavour of flavours) {
    for (const c of flavour === "gnu" ? [...cases, ...gnuOnly] : cases) {
      it(`${c} (${flavour})`, async () => {
        count(`mv ${c.split(" ").filter((w) => w.startsWith("-")).join(" ")} [${flavour}]`);
        await same(flavour, fixture, batch([c]), usageLine);
      });
    }
    it(`random moves over random trees (${flavour})`, async () => {
      const moves = treeArb({ owners: true }).chain((t) => {
        const names = [...t.map((e) => e.path), "new", "d0/new", "nodir/x"];
        const op = fc.tuple(fc.constantFrom("", "-f", "-n", "-v", "-T"), fc.subarray(names, { minLength: 1, maxLength: 2 }), fc.constantFrom(...names))
          .map(([o, srcs, dest]) => `mv ${o} -- ${srcs.map(q).join(" ")} ${q(dest)}`);
        return fc.array(op, { minLength: 1, maxLength: 4 }).map((cmds) => [t, cmds] as [FixtureEntry[], string[]]);
      });
      await check(moves, async ([tree, cmds]) => {
        count(`mv random [${flavour}]`, cmds.length);
        await same(flavour, tree, batch(cmds), usageLine);
      }, RUNS * 3);
    });
  }
});

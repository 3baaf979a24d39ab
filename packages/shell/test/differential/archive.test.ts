import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { cleanupHarness, type FixtureEntry, isRoot } from "./harness.js";
import { batch, check, count, flavours, q, RUNS, same, textArb, treeArb } from "./generators.js";

afterAll(cleanupHarness);

const pick = <T>(xs: T[]) => fc.constantFrom(...xs);

describe.skipIf(!isRoot)("archives behave like the image's", () => {
  for (const flavour of flavours) {
    it(`tar (${flavour}): create, list, extract`, async () => {
      const arb = treeArb({ owners: true, ascii: flavour === "busybox" }).chain((t) =>
        fc.array(pick([
          "tar cf a.tar d0 && tar tf a.tar | sort",
          "tar cf a.tar d0 && mkdir x && tar xf a.tar -C x && ls -lnR x | awk '{print $1, $3, $4, $5, $NF}'",
          "tar czf a.tgz d0 && mkdir x && tar xzf a.tgz -C x --strip-components=1 && ls -lnR x | awk '{print $1, $3, $4, $5, $NF}'",
          "tar cf - d0 | tar tvf - | awk '{print $1, $2, $3, $6}' | sort",
          "tar cf a.tar d0 && rm -rf d0 && tar xpf a.tar && ls -lnR d0 | awk '{print $1, $3, $4, $5, $NF}'",
          "tar cf a.tar -C d0 . && mkdir y && tar xf a.tar -C y && ls -lnR y | awk '{print $1, $3, $4, $5, $NF}'",
          "tar xf nope.tar",
        ]), { minLength: 1, maxLength: 2 }).map((cmds) => [t, cmds] as [FixtureEntry[], string[]]));
      await check(arb, async ([fixture, cmds]) => {
        for (const c of cmds) count(`tar ${c.split(" ").slice(0, 2).join(" ")} [${flavour}]`);
        // The archives themselves differ in header fields neither side controls the same way
        // (mtimes of new directories); listings and extracted trees are compared.
        await same(flavour, fixture, batch(cmds), { replace: [[/ a\.t(ar|gz) f [^\n]*/g, " ARCHIVE"], [/^a\.t(ar|gz) f .*$/gm, "ARCHIVE"]] });
      });
    });

    it(`gzip (${flavour}): headers, options, file handling`, async () => {
      const arb = fc.tuple(textArb, pick(["", "-1", "-9", "-n", "-k", "-f"]), pick(["c", "file", "stdin", "roundtrip", "test", "gunzip"]));
      await check(arb, async ([content, opt, mode]) => {
        count(`gzip ${opt} ${mode} [${flavour}]`);
        const fixture: FixtureEntry[] = [{ path: "f.txt", type: "file", mode: 0o640, content }];
        const cmd = {
          // the 10-byte header, the name field and the trailer, separately from the deflate data
          c: `gzip ${opt} -c f.txt | head -c 10 | od -An -c && gzip ${opt} -c f.txt | tail -c 8 | od -An -c`,
          file: `gzip ${opt} f.txt; echo $?; ls; gzip -d -c f.txt.gz | md5sum`,
          stdin: `gzip ${opt} < f.txt | gunzip | md5sum`,
          roundtrip: `gzip ${opt} -c f.txt | gzip -d | cmp - f.txt && echo same`,
          test: `gzip -c f.txt > f.gz; gzip -t f.gz; echo $?; gzip -t f.txt; echo $?; rm f.gz`,
          gunzip: `gzip ${opt} f.txt; gunzip f.txt.gz; echo $?; ls -l f.txt | cut -c1-10; cat f.txt | md5sum`,
        }[mode] as string;
        // The whole file is compared, deflate data included (gzip-bytes.test.ts goes further).
        await same(flavour, fixture, cmd);
      });
    });
  }

  it.each(flavours)("gzip (%s): compressed bytes are the real gzip's", async (flavour) => {
    await check(fc.tuple(textArb, pick(["-1", "-6", "-9"])), async ([content, level]) => {
      count(`gzip ${level} -n -c bytes [${flavour}]`);
      const fixture: FixtureEntry[] = [{ path: "f", type: "file", mode: 0o644, content: content.repeat(3) }];
      await same(flavour, fixture, `gzip ${level} -n -c f > f.gz`);
    }, RUNS * 2);
  });
});
void q;

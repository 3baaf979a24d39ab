import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { cleanupHarness, type FixtureEntry, type Flavour, isRoot } from "./harness.js";
import { batch, check, count, flavours, q, RUNS, same, treeArb } from "./generators.js";

afterAll(cleanupHarness);

/** Paths of a tree's entries, for commands to pick from. */
const paths = (t: FixtureEntry[]) => t.map((e) => e.path);

/** A tree and some commands built from its paths. */
function withPaths(tree: fc.Arbitrary<FixtureEntry[]>, build: (p: string[]) => fc.Arbitrary<string[]>): fc.Arbitrary<[FixtureEntry[], string[]]> {
  return tree.chain((t) => build(paths(t)).map((cmds) => [t, cmds] as [FixtureEntry[], string[]]));
}

function program(name: string, flavour: Flavour, arb: fc.Arbitrary<[FixtureEntry[], string[]]>, opts: { mtimes?: boolean; replace?: Array<[RegExp, string]> } = {}, runs = RUNS): void {
  it(`${name} (${flavour})`, async () => {
    await check(arb, async ([fixture, cmds]) => {
      for (const c of cmds) count(`${name} ${c.split(" ").filter((w) => w.startsWith("-")).join(" ")} [${flavour}]`);
      await same(flavour, fixture, batch(cmds), opts);
    }, runs);
  });
}

const pick = <T>(xs: T[]) => fc.constantFrom(...xs);

describe.skipIf(!isRoot)("file programs behave like the image's (as root, as a RUN step is)", () => {
  for (const flavour of flavours) {
    // UTF-8 names for busybox too: without a UTF-8 locale (none in a RUN) it prints their bytes as `?`.
    program("ls", flavour, withPaths(treeArb({ owners: true }), (p) =>
      fc.array(fc.tuple(pick(["", "-l", "-la", "-lA", "-ln", "-1", "-a", "-R", "-lR", "-ld", "-lS", "-lr", "-p", "-F", "-d", "-lh", "-lt", "-s", "-ls"]), fc.subarray(p, { maxLength: 2 })).map(([o, ps]) => `ls ${o} -- ${ps.map(q).join(" ")}`), { minLength: 1, maxLength: 4 })));
    program("find", flavour, withPaths(treeArb({ owners: true }), () =>
      fc.array(fc.tuple(
        pick(["", "-type f", "-type d", "-type l", "-name '*a*'", "-iname 'A*'", "-perm -u+x", "-perm 644", "-perm /o+w", "-size -1", "-size +0", "-empty", "-user root", ...(flavour === "gnu" ? ["-uid 1000"] : []), "-group 100", "-links 1", "-maxdepth 1", "-mindepth 2", "-path './d0/*'", "! -type d", "-type f -o -type l", "-newer d0", "-executable", "-name '*.*' -prune -o -print", "-type f -exec printf '%s\\n' {} +", "-type d -exec echo {} ';'"]),
        pick([".", "d0", "nope", ". d0"]),
      ).map(([e, start]) => `find ${start} ${e} | sort`), { minLength: 1, maxLength: 4 })));
    program("chmod", flavour, withPaths(treeArb({ links: false }), (p) =>
      fc.array(fc.tuple(pick(["755", "0644", "u+x", "go-w", "a=r", "u=rwx,g=rx,o=", "+x", "-x", "g+s", "o+t", "u-s", "a+X", "=", "600"]), pick(["", "-R"]), fc.subarray(p, { minLength: 1, maxLength: 2 })).map(([m, r, ps]) => `chmod ${r} -- ${m} ${ps.map(q).join(" ")}`), { minLength: 1, maxLength: 3 })));
    program("chown", flavour, withPaths(treeArb({ owners: true }), (p) =>
      fc.array(fc.tuple(pick(["0:0", "1000", "1000:100", ":100", "65534:65534", "root", "root:root", "nobody", "bin:", "1000:"]), pick(["", "-R", "-h"]), fc.subarray(p, { minLength: 1, maxLength: 2 })).map(([o, r, ps]) => `chown ${r} -- ${o} ${ps.map(q).join(" ")}`), { minLength: 1, maxLength: 3 })));
    program("mkdir", flavour, treeArb().chain((t) =>
      fc.array(fc.tuple(pick(["", "-p", "-m 700", "-m 1777", "-p -m 750", "-m u=rwx,g=rx", "-m 2755"]), pick(["new", "d0/new", "n/e/w", "d0", "a b/c", "-x"])).map(([o, d]) => `mkdir ${o} -- ${q(d)}`), { minLength: 1, maxLength: 3 }).map((c) => [t, c] as [FixtureEntry[], string[]])));
    program("ln", flavour, withPaths(treeArb(), (p) =>
      fc.array(fc.tuple(pick(["-s", "", "-sf", "-f", "-sn", "-snf"]), pick([...p, "missing"]), pick(["lnk", "d0", "d0/lnk", ...p])).filter(([, a, b]) => !(b === "d0" && a.startsWith("d0/"))).map(([o, a, b]) => `ln ${o} -- ${q(a)} ${q(b)}`), { minLength: 1, maxLength: 3 })));
    program("cp", flavour, withPaths(treeArb({ owners: true }), (p) =>
      fc.array(fc.tuple(pick(["-a", "-r", "-p", "", "-R", "-rp", "-L -r", "-P -r"]), pick(p.filter((x) => x !== "d0" && x !== "d0/d1")), pick(["copy", "d0/d1/cp-dest"])).map(([o, a, b]) => `cp ${o} -- ${q(a)} ${q(b)} && rm -rf ${q(b)}`), { minLength: 1, maxLength: 3 })));
    program("install", flavour, withPaths(treeArb({ links: false }), (p) =>
      fc.array(fc.tuple(pick(["", "-m 755", "-m 600", "-d", "-D", "-D -m 640", "-o 1000 -g 100", "-m u=rw"]), pick(p), pick(["inst", "d0/inst", "x/y/z"])).map(([o, a, b]) => (o === "-d" ? `install -d -- ${q(b)}` : `install ${o} -- ${q(a)} ${q(b === "x/y/z" && !o.includes("-D") ? "inst2" : b)}`)), { minLength: 1, maxLength: 3 })));
    program("touch", flavour, withPaths(treeArb(), (p) =>
      // A date without seconds takes the current clock's seconds in busybox: two runs a second apart differ.
      fc.array(fc.tuple(pick(["-d '2020-01-02 03:04:05'", "-d @1600000000", "-t 202001020304.05", "-c -d @1400000000", "-r d0", "-m -d '2021-06-01 10:00:00'", "-h -d @1500000000"]), pick([...p, "newfile"])).map(([o, f]) => `touch ${o} -- ${q(f)}`), { minLength: 1, maxLength: 3 })), { mtimes: true });
    program("stat", flavour, withPaths(treeArb({ owners: true }), (p) =>
      fc.array(fc.tuple(pick(["%a %A %n", "%U:%G %u:%g", "%s %F", "%h %N", "%f %n", "%Y"]), pick(p)).map(([f, x]) => `stat -c ${q(f)} -- ${q(x)}`), { minLength: 1, maxLength: 3 })));
    program("mktemp", flavour, treeArb().chain((t) =>
      fc.array(pick(["mktemp -p . && ls | wc -l", "mktemp -d -p . >/dev/null && ls -l | grep -c ^d", "mktemp ./x.XXXXXX >/dev/null && ls -l | grep -c x", "mktemp -u ./tpl.XXXX | wc -c", "mktemp /nonexistent/XXXXXX"]), { minLength: 1, maxLength: 2 }).map((c) => [t, c] as [FixtureEntry[], string[]])),
      { replace: [[/tmp\.[A-Za-z0-9]{6,10}/g, "tmp.RANDOM"], [/x\.[A-Za-z0-9]{6}/g, "x.RANDOM"]] });
    it(`ls -lh and -sh totals, an empty directory's included (${flavour})`, async () => {
      const fixture: FixtureEntry[] = [{ path: "empty", type: "dir", mode: 0o755 }, { path: "full", type: "dir", mode: 0o755 }, { path: "full/f", type: "file", mode: 0o644, content: "x".repeat(5000) }];
      await same(flavour, fixture, "ls -lh empty; ls -sh empty; ls -lh full | head -1; ls -sh full | head -1");
    });
    it(`ls names under each locale (${flavour})`, async () => {
      const fixture: FixtureEntry[] = [{ path: "café", type: "file", mode: 0o644, content: "" }, { path: "tab\tx", type: "file", mode: 0o644, content: "" }, { path: "日", type: "symlink", target: "é" }];
      for (const LANG of ["", "C.UTF-8", "en_US.utf8", "C"]) await same(flavour, fixture, "ls; ls -l 日 | cut -c44-", { env: LANG ? { LANG } : {} });
    });
  }
});

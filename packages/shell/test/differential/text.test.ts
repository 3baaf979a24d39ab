import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { cleanupHarness } from "./harness.js";
import { batch, check, count, flavours, q, RUNS, same, textArb } from "./generators.js";

afterAll(cleanupHarness);

/** A fixture of two text files, "f1" and "f 2". */
const files = fc.tuple(textArb, textArb).map(([a, b]) => [
  { path: "f1", type: "file" as const, mode: 0o644, content: a },
  { path: "f 2", type: "file" as const, mode: 0o644, content: b },
]);

/** The same, each file ending with a newline. */
const linesFiles = files.map((fx) => fx.map((e) => ({ ...e, content: e.content.endsWith("\n") || e.content === "" ? e.content : `${e.content}\n` })));

/** Pick `n` option sets from a list, for one batch. */
function pick(options: string[], n = 4): fc.Arbitrary<string[]> {
  return fc.array(fc.constantFrom(...options), { minLength: 1, maxLength: n });
}

function program(name: string, options: Record<"busybox" | "gnu" | "both", string[]>, build: (opt: string) => string, runs = RUNS, input = files): void {
  for (const flavour of flavours) {
    const opts = [...options.both, ...options[flavour]];
    it(`${name} (${flavour}): ${opts.length} option sets`, async () => {
      await check(fc.tuple(input, pick(opts)), async ([fixture, chosen]) => {
        for (const o of chosen) count(`${name} ${o} [${flavour}]`);
        await same(flavour, fixture, batch(chosen.map(build)));
      }, runs);
    });
  }
}

describe("text programs behave like the image's", () => {
  program("sort", {
    both: ["", "-r", "-n", "-u", "-f", "-b", "-k2", "-k2n", "-k1,1", "-t: -k2", "-t: -k2,2 -s", "-nr", "-k2 -u", "-fu", "-ru", "-g", "-c", "-d", "-i", "-M", "-n -k1,1r", "-V", "-rk2", "-t : -k 2", "-o out -n"],
    busybox: [],
    gnu: ["-h", "-k1.2,1.3", "-m", "-mn", "--reverse --key=2", "--check=quiet", "--field-separator=: --key=2,2", "--numeric-sort --unique"],
  }, (o) => `sort ${o} f1 'f 2'`);
  program("wc", { both: ["", "-l", "-w", "-c", "-lw", "-L", "-lc"], busybox: [], gnu: ["-m"] }, (o) => `wc ${o} f1 'f 2'; wc ${o} f1; cat f1 | wc ${o}`);
  program("head", { both: ["", "-n 1", "-n 3", "-c 5", "-n 0", "-3", "-n -1", "-c -2"], busybox: [], gnu: ["-q", "-v", "--lines=2", "--bytes=3"] }, (o) => `head ${o} f1; head ${o} f1 'f 2'`);
  program("tail", { both: ["", "-n 1", "-n 3", "-c 5", "-n +2", "-c +3", "-n 0"], busybox: [], gnu: ["-q", "-v", "--lines=+2", "--quiet", "--bytes=3"] }, (o) => `tail ${o} f1; tail ${o} f1 'f 2'`);
  program("cut", { both: ["-d: -f1", "-d: -f2-", "-c1-3", "-c2", "-d' ' -f1,3", "-b1-2", "-d: -s -f2", "-f1", "-d : -f 2", "-sd: -f2", "-n -c2"], busybox: [], gnu: ["-d: -f1 --complement", "--output-delimiter=, -d: -f1,2", "--fields=1 --delimiter=:", "--only-delimited -d: -f2"] }, (o) => `cut ${o} f1`);
  program("tr", { both: ["a-z A-Z", "-d ' '", "-s ' '", "-d '0-9'", "ab xy", "-c 'a-z\\n' _", "-cd 'a-z\\n'", "'[:lower:]' '[:upper:]'", "-s '\\n'", "a -d", "-d -- -"], busybox: [], gnu: [] }, (o) => `tr ${o} < f1`);
  // just-bash's sed ends a last line that had no newline differently: sed gets newline-terminated input.
  program("sed", {
    both: ["'s/a/X/'", "'s/a/X/g'", "-n '2p'", "'1d'", "'$d'", "-n '/a/p'", "'y/abc/xyz/'", "-e 's/^/> /' -e '2p'", "-E 's/([a-z]+) ([0-9]+)/\\2 \\1/'", "'s/[0-9]\\+/N/g'", "-n '/a/p'", "'2,3d'", "'/^$/d'", "'s/a/b/2'", "'a\\\nadded'", "'1i\\\ninserted'"],
    busybox: [],
    gnu: [],
  }, (o) => `sed ${o} f1`, RUNS, linesFiles);
  program("sed -i", { both: ["'s/a/X/g'", "'1d'", "'$a end'"], busybox: [], gnu: [] }, (o) => `sed -i ${o} f1 && cat f1`, RUNS, linesFiles);
  // -iSUFFIX keeps a backup, which the tree comparison covers.
  program("sed -iSUFFIX", { both: ["-i.bak 's/a/X/'", "--in-place=.orig -e '1d'", "-n -i.b -e '1p'", "-i~ 's/a/b/'", "-E -i.x -e 's/(a)/[\\1]/' -e '$d'"], busybox: [], gnu: [] }, (o) => `sed ${o} f1 && cat f1`, RUNS, linesFiles);
  program("awk", {
    both: ["'{print $1}'", "-F: '{print $2}'", "'{print NR\": \"$0}'", "'{s+=$1} END {print s}'", "'NF>1'", "'{print NF}'", "'{printf \"%s|%d\\n\", $1, $2}'", "'length($0) > 3'", "'{print substr($0, 2, 3)}'", "'BEGIN{OFS=\"-\"} {$1=$1; print}'", "'/a/{n++} END{print n+0}'", "'{print $NF}'"],
    busybox: [],
    gnu: [],
  }, (o) => `awk ${o} f1`);
  program("base64", { both: ["", "-d"], busybox: [], gnu: ["-w 8", "-w 0"] }, (o) => (o === "-d" ? "base64 f1 | base64 -d" : `base64 ${o} f1; base64 ${o} < 'f 2'`));
  program("sums", {
    both: ["md5sum", "sha1sum", "sha256sum", "sha512sum", "md5sum -c", "sha256sum -c"],
    busybox: [],
    gnu: ["sha224sum", "sha384sum", "sha1sum -b", "sha256sum --tag"],
  }, (o) => (o.endsWith("-c")
    ? `${o.split(" ")[0]} f1 'f 2' > sums; ${o} sums; echo x >> f1; ${o} sums; echo "$(${o.split(" ")[0]} < f1 | cut -d' ' -f1) *f1" | ${o} -; echo "0000  f1" | ${o} -`
    : `${o} f1 'f 2'; ${o} < f1; ${o} nope`));
  program("tee", { both: ["", "-a"], busybox: [], gnu: [] }, (o) => `tee ${o} out1 'out 2' < f1; tee ${o} out1 < 'f 2'; cat out1`);
  program("xargs", {
    both: ["", "-n 1", "-n 2", "-I{} echo [{}]", "-r", "-t", "-0", "-E apple", "echo x"],
    busybox: [],
    gnu: ["-L 1", "-d :"],
  }, (o) => (o === "-0" ? "tr '\\n' '\\0' < f1 | xargs -0 -n 1 echo" : `xargs ${o} < f1`));
  program("printf", {
    both: ["'%s\\n'", "'%5s|%-5s|\\n'", "'%d\\n'", "'%x %o\\n'", "'%c\\n'", "'%b\\n'", "'[%s]'", "'%03d\\n'", "'%.2s\\n'"],
    busybox: [],
    gnu: [],
  }, (o) => `printf ${o} 12 7; echo; printf ${o} 0 42`);
  program("echo", { both: ["", "-n", "-e", "-E", "-ne", "--", "-e -n"], busybox: [], gnu: [] }, (o) => `echo ${o} "$(head -n 2 f1)" 'a\\tb\\nc\\0101\\c d'`);
  program("yes", { both: ["", "ab", "'a b' c"], busybox: [], gnu: [] }, (o) => `yes ${o} | head -n 3; yes ${o} | head -c 5`);
  program("cat", { both: ["", "-n", "-A", "-e", "-b", "-v"], busybox: [], gnu: ["-E", "-T", "-s"] }, (o) => `cat ${o} f1 'f 2'`);
  program("uniq", { both: ["", "-c", "-d", "-u", "-i", "-f 1", "-s2", "-w 2", "-c -f1"], busybox: [], gnu: ["--skip-fields=1", "--skip-chars=1", "--check-chars=2"] }, (o) => `sort f1 | uniq ${o}`);
  program("grep", { both: ["a", "-e a -e b", "-E -e 'a+' -e x", "-e 'a\\+' -n", "-v -e a -- -x", "-v a", "-c a", "-n a", "-i A", "-E 'a|b'", "-o '[0-9][0-9]*'", "-w date", "-x x", "-l a f1 'f 2' nope", "-q a", "-F ."], busybox: [], gnu: ["--regexp=a -c"] }, (o) => `grep ${o} f1`);
});

describe("a bad option stops the program as the image's does", () => {
  // busybox follows the message with its usage text, coreutils with a pointer to --help: the first line is the message.
  const bad = ["cat -nx f1", "cat --bogus", "rm -rx f1", "rm --bogus f1", "rmdir -x d", "rmdir --bogus d", "ls -y", "ls --bogus", "tr -x a b", "uniq -x", "uniq --bogus", "uniq -f"];
  for (const flavour of flavours) {
    it(`cat, rm, rmdir, ls, tr, uniq (${flavour}): the first line and the exit status`, async () => {
      await same(flavour, [{ path: "f1", type: "file", mode: 0o644, content: "x\n" }], bad.map((c) => `${c} 2>err; echo "status=$?"; head -n 1 err; rm err`).join("\n"));
    });
  }
});

afterAll(() => {
  if (process.env.TSBUILD_DIFF_REPORT) {
    const { writeFileSync } = require("node:fs") as typeof import("node:fs");
    void writeFileSync;
  }
});
void q;

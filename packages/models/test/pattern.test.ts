import { describe, expect, it } from "vitest";
import { ArgsPattern } from "../src/match/pattern.js";
import { Template } from "../src/match/template.js";

const words = (s: string) => s.split(" ").filter(Boolean);

describe("argument patterns", () => {
  it("must account for every argument; ... stands for any number of them", () => {
    const exact = new ArgsPattern("ci");
    expect(exact.match(["ci"])).toEqual({});
    expect(exact.match(["ci", "--omit=dev"])).toBeUndefined();
    expect(exact.match([])).toBeUndefined();
    const open = new ArgsPattern("ci ...");
    expect(open.match(["ci"])).toEqual({});
    expect(open.match(words("ci --omit=dev --no-audit"))).toEqual({});
    expect(open.match(["install"])).toBeUndefined();
    expect(new ArgsPattern("...").match([])).toEqual({});
  });

  it("captures a word, or the part of a word after a prefix, wherever ... lets it be", () => {
    const p = new ArgsPattern("build ... -o {out} ...");
    expect(p.match(words("build -o /out/app ./cmd/app"))).toEqual({ out: "/out/app" });
    expect(p.match(words("build -trimpath -ldflags=-s -o /out/app"))).toEqual({ out: "/out/app" });
    expect(p.match(words("build ./cmd/app"))).toBeUndefined();
    expect(new ArgsPattern("build ... -o={out} ...").match(words("build -o=/bin/x"))).toEqual({ out: "/bin/x" });
  });

  it("constrains a capture with a glob, and matches single words with * ? and [!...]", () => {
    const p = new ArgsPattern("... -o {out:[!-]*} ... {url:*://*} ...");
    expect(p.match(words("-fsSL -o /tmp/a.tgz https://example.com/a.tgz"))).toEqual({ out: "/tmp/a.tgz", url: "https://example.com/a.tgz" });
    expect(p.match(words("-o - https://example.com/a.tgz"))).toBeUndefined();
    expect(new ArgsPattern("* x?z").match(["anything", "xyz"])).toEqual({});
    expect(new ArgsPattern("* x?z").match(["anything", "xz"])).toBeUndefined();
  });

  it("takes alternatives in one word with |", () => {
    const p = new ArgsPattern("... -o|--output|-[!-]*o {out} ...");
    expect(p.match(words("-fsSLo /x https://h/x"))).toEqual({ out: "/x" });
    expect(p.match(words("--output /y"))).toEqual({ out: "/y" });
    expect(p.match(words("--proto /y"))).toBeUndefined();
  });

  it("says what is wrong with a pattern", () => {
    expect(() => new ArgsPattern("{out} {out}")).toThrow("the capture {out} appears twice");
    expect(() => new ArgsPattern("{cwd}")).toThrow("built-in variable");
    expect(() => new ArgsPattern("{9x}")).toThrow("capture name");
    expect(() => new ArgsPattern("[abc")).toThrow('has a "[" without its "]"');
    expect(() => new ArgsPattern("a|{x}")).toThrow("cannot capture");
    expect(() => new ArgsPattern("a||b")).toThrow("empty alternative");
  });
});

describe("templates", () => {
  it("expands captures and built-ins, with basename and dirname", () => {
    const t = new Template("{home}/dl/{url|basename}");
    expect(t.expand({ home: "/root", url: "https://example.com/a/b.tar.gz?sig=1" })).toBe("/root/dl/b.tar.gz");
    expect(new Template("{out|dirname}").expand({ out: "/out/app" })).toBe("/out");
    expect(new Template("plain").expand({})).toBe("plain");
  });

  it("knows which variables it needs", () => {
    const t = new Template("{out}/{cwd}/{nope}");
    expect(t.unknownVariables(new Set(["out"]))).toEqual(["nope"]);
  });

  it("refuses unknown filters", () => {
    expect(() => new Template("{x|upper}")).toThrow('unknown filter "upper"');
  });
});

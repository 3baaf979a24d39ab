import {
  DockerfileParseError,
  parseDockerfile,
  parseTrigger,
  ShellLex,
  substitutes,
  type Instruction,
  type InstructionKind,
} from "@tsbuild/parser";
import { describe, expect, it } from "vitest";

const S = "FROM scratch\n";
/** The instructions after FROM scratch. */
const body = (text: string): Instruction[] => parseDockerfile(S + text).all.slice(1);
const one = (text: string): Instruction => body(text)[0];

function parseFailure(text: string, options?: { fileName?: string }): DockerfileParseError {
  try {
    parseDockerfile(text, options);
  } catch (err) {
    if (err instanceof DockerfileParseError) return err;
    throw err;
  }
  throw new Error("expected a DockerfileParseError");
}

describe("instruction text and position", () => {
  it("keeps the keyword as written and gives Docker's original", () => {
    const [ins] = body("run   echo  hi  \t\n");
    expect(ins).toMatchObject({ kind: "RUN", keyword: "run", original: "run   echo  hi", args: ["echo  hi"] });
  });

  it("joins continuation lines keeping the next line's indentation (c23)", () => {
    const [ins] = body("RUN echo one \\\n    && echo two > /two.txt\n");
    expect(ins.original).toBe("RUN echo one     && echo two > /two.txt");
    expect([ins.startLine, ins.endLine]).toEqual([2, 3]);
  });

  it("counts skipped comment and blank lines in the line range", () => {
    const df = parseDockerfile(S + "\n# note\nRUN a \\\n  # inside\n\n  b\nRUN c\n");
    expect(df.all.map((i) => [i.original, i.startLine, i.endLine])).toEqual([
      ["FROM scratch", 1, 1],
      ["RUN a   b", 4, 7],
      ["RUN c", 8, 8],
    ]);
  });

  it("treats a lone carriage return as whitespace, not a line break (as dockerd does)", () => {
    const [ins] = body("LABEL a=b\rc=d\n");
    expect(ins.pairs?.map((p) => [p.key, p.value])).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  it("reads CRLF files", () => {
    const df = parseDockerfile("FROM scratch\r\nRUN a \\\r\n  b\r\n");
    expect(df.all.map((i) => i.original)).toEqual(["FROM scratch", "RUN a   b"]);
  });

  it("skips a byte-order mark", () => {
    expect(parseDockerfile("\uFEFFFROM scratch\n").all[0].keyword).toBe("FROM");
  });
});

describe("parser directives", () => {
  it("reads escape and syntax at the top of the file", () => {
    const df = parseDockerfile("# syntax=docker/dockerfile:1\n#Escape = ` \nFROM scratch\nRUN a `\n b\n");
    expect(df.syntax).toBe("docker/dockerfile:1");
    expect(df.escapeChar).toBe("`");
    expect(df.all[1].original).toBe("RUN a  b");
  });

  it.each([
    ["after a blank line", "\n# escape=`\n"],
    ["after a comment", "# hi\n# escape=`\n"],
    ["after an unknown directive", "# foo=bar\n# escape=`\n"],
  ])("ignores a directive %s", (_what, head) => {
    expect(parseDockerfile(head + "FROM scratch\n").escapeChar).toBe("\\");
  });

  it.each([
    ["# escape=`\n# escape=`\n", "only one escape parser directive can be used"],
    ["# syntax=a\n# syntax=b\n", "only one syntax parser directive can be used"],
    ["# escape=x\n", "invalid escape token 'x' does not match ` or \\"],
  ])("rejects %j", (head, reason) => {
    expect(parseFailure(head + "FROM scratch\n")).toMatchObject({
      code: "syntax",
      reason,
      message: `failed to parse Dockerfile: ${reason}`,
    });
  });
});

describe("flags", () => {
  it("parses flags in order, with Docker's quote handling, and keeps the text as written", () => {
    const ins = one('COPY --chown="app user":staff --from=build a b\n');
    expect(ins.flags).toEqual([
      { name: "chown", value: "app user:staff", text: '--chown="app user":staff' },
      { name: "from", value: "build", text: "--from=build" },
    ]);
    expect(ins.flag("from")).toBe("build");
    expect(ins.flag("chmod")).toBeUndefined();
    expect(ins.args).toEqual(["a", "b"]);
  });

  it("stops at `--` and does not take a single dash for a flag", () => {
    expect(one("LABEL -- a=b\n")).toMatchObject({ flags: [], pairs: [{ key: "a", value: "b" }] });
    expect(one("COPY -chown=1 a b\n")).toMatchObject({ flags: [], args: ["-chown=1", "a", "b"] });
  });

  it("accepts BuildKit's --link and --network, which 20.10's classic parser refused", () => {
    expect(one("COPY --link a b\n").flags.map((f) => f.name)).toEqual(["link"]);
    expect(one("RUN --network=none true\n").flag("network")).toBe("none");
  });

  it("knows each instruction's flags as Docker 20.10 does", () => {
    expect(parseDockerfile("FROM --platform=linux/arm64 scratch AS x\n").stages[0].platform).toBe("linux/arm64");
    expect(one("ADD --chown=1 --chmod=644 a b\n").flags.map((f) => f.name)).toEqual(["chown", "chmod"]);
    expect(one("RUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t true\n").mounts).toEqual([
      { type: "cache", target: "/c", readOnly: false, required: false },
      { type: "tmpfs", target: "/t", readOnly: false, required: false },
    ]);
  });

  it.each([
    ["ADD --from=x a b", "Unknown flag: from"],
    ["COPY --chown a b", "Missing a value on flag: chown"],
    ["COPY --from=x --from=y a b", "Duplicate flag specified: from"],
    ["WORKDIR --x=1 /", "Unknown flag: x"],
    ["RUN --mount=type=foo true", 'unsupported mount type "foo"'],
    ["RUN --mount=type=bind,foo=1 true", "unexpected key 'foo' in 'foo=1'"],
    ["RUN --mount=type=secret true", "invalid secret mount. one of source, target required"],
    ["RUN --mount=type=bind,mode=0700,target=/x true", 'mode not allowed for "bind" type mounts'],
    ['RUN --mount=type=cache,tar\\"get=/x true', 'failed to parse csv mounts: parse error on line 1, column 15: bare " in non-quoted-field'],
    ['RUN --mount=\\"type=cache\\"x,target=/x true', 'failed to parse csv mounts: parse error on line 1, column 12: extraneous or missing " in quoted-field'],
  ])("%s → %s", (line, reason) => {
    expect(parseFailure(S + line + "\n")).toMatchObject({
      code: "instruction",
      line: 2,
      message: `dockerfile parse error line 2: ${reason}`,
    });
  });

  it("a quote inside a flag word groups up to the next quote, blanks included", () => {
    expect(one('RUN --mount=type=cache,tar"get=/x true\n')).toMatchObject({
      flags: [{ name: "mount", value: "type=cache,target=/x true" }],
      mounts: [{ type: "cache", target: "/x true" }],
      args: [],
    });
  });

  it("accepts and ignores any flag on STOPSIGNAL, ARG and HEALTHCHECK NONE, as Docker does", () => {
    expect(one("STOPSIGNAL --foo=1 SIGKILL\n").args).toEqual(["SIGKILL"]);
    expect(one("ARG --foo=1 x=2\n").pairs).toMatchObject([{ key: "x", value: "2" }]);
    expect(one("HEALTHCHECK --foo=1 NONE\n").healthcheck).toEqual({ none: true, test: ["NONE"] });
  });
});

describe("arguments per instruction", () => {
  it("exec form takes the JSON strings; anything after the array is ignored", () => {
    expect(one('CMD ["a", "b c"] trailing\n')).toMatchObject({ json: true, args: ["a", "b c"] });
    expect(one('COPY ["a b", "/d/"]\n')).toMatchObject({ json: true, args: ["a b", "/d/"] });
    expect(one("ENTRYPOINT []\n")).toMatchObject({ json: true, args: [] });
  });

  it("malformed JSON falls back to the shell form", () => {
    expect(one('CMD ["a", b]\n')).toMatchObject({ json: false, args: ['["a", b]'] });
    expect(one("CMD ['a']\n")).toMatchObject({ json: false, args: ["['a']"] });
    expect(one('COPY ["a" /d\n')).toMatchObject({ json: false, args: ['["a"', "/d"] });
  });

  it("a JSON array of non-strings is an error", () => {
    const reason = "when using JSON array syntax, arrays must be comprised of strings only";
    expect(parseFailure(S + 'RUN ["a", 1]\n')).toMatchObject({ code: "syntax", reason, line: 2 });
  });

  it("splits COPY/ADD/VOLUME/EXPOSE/FROM on blanks but keeps WORKDIR/USER/STOPSIGNAL whole", () => {
    expect(one("COPY a  b\t/c/\n").args).toEqual(["a", "b", "/c/"]);
    expect(one("EXPOSE 80 443/udp\n").args).toEqual(["80", "443/udp"]);
    expect(one("WORKDIR /a b\n").args).toEqual(["/a b"]);
    expect(one("USER a b\n").args).toEqual(["a b"]);
    expect(parseDockerfile("FROM img:1 as Build\n").all[0].args).toEqual(["img:1", "as", "Build"]);
  });

  it("RUN with no command parses (Docker runs the bare shell)", () => {
    expect(one("RUN\n")).toMatchObject({ json: false, args: [] });
  });
});

describe("ENV, LABEL and ARG pairs", () => {
  it("keeps Docker's words as they are: quotes, escapes and variables in", () => {
    expect(one("ENV a=\"x y\" b='$c' c=d\\ e g= FULL=${DIR}/${NAME:-x}\n").pairs).toEqual([
      { key: "a", value: '"x y"', quoted: true },
      { key: "b", value: "'$c'", quoted: true },
      { key: "c", value: "d\\ e" },
      { key: "g", value: "" },
      { key: "FULL", value: "${DIR}/${NAME:-x}" },
    ]);
    expect(one('LABEL "a b"=c\n').pairs).toEqual([{ key: '"a b"', value: "c" }]);
  });

  it("substituting them with ShellLex gives Docker's values", () => {
    const lex = new ShellLex();
    const env = { c: "C", DIR: "/d" };
    const values = one("ENV a=\"x y\" b='$c' c=d\\ e f=\"\\\"q\\\"\" FULL=${DIR}/${NAME:-x}\n").pairs!.map((p) =>
      lex.processWord(p.value!, env),
    );
    expect(values).toEqual(["x y", "$c", "d e", '"q"', "/d/x"]);
  });

  it("reads the old `ENV key value with spaces` form", () => {
    expect(one("ENV a   b  c  \n").pairs).toEqual([{ key: "a", value: "b  c" }]);
    expect(one("LABEL description This is it\n").args).toEqual(["description", "This is it"]);
  });

  it("ARG: a value only when one is given", () => {
    expect(one('ARG a b=1 c="x y" d=\n').pairs).toEqual([
      { key: "a", value: null },
      { key: "b", value: "1" },
      { key: "c", value: '"x y"', quoted: true },
      { key: "d", value: "" },
    ]);
  });

  it.each([
    ["ENV", "dockerfile parse error line 2: ENV requires at least one argument"],
    ["ENV a", "failed to parse Dockerfile: ENV must have two arguments"],
    ["ENV =b", "dockerfile parse error line 2: ENV names can not be blank"],
    ["ENV a=b c", "failed to parse Dockerfile: Syntax error - can't find = in \"c\". Must be of the form: name=value"],
    ["LABEL a", "failed to parse Dockerfile: LABEL must have two arguments"],
    ["ARG =x", "dockerfile parse error line 2: ARG names can not be blank"],
    ["ARG", "dockerfile parse error line 2: ARG requires at least one argument"],
  ])("%s → %s", (line, message) => {
    expect(parseFailure(S + line + "\n").message).toBe(message);
  });
});

describe("HEALTHCHECK", () => {
  it("shell form becomes CMD-SHELL; durations are checked and converted", () => {
    expect(one("HEALTHCHECK --interval=1m30s --start-period=1.5s --retries=3 CMD curl -f x || exit 1\n").healthcheck).toEqual({
      none: false,
      test: ["CMD-SHELL", "curl -f x || exit 1"],
      interval: "1m30s",
      startPeriod: "1.5s",
      retries: 3,
      intervalNs: 90e9,
      timeoutNs: 0,
      startPeriodNs: 1.5e9,
    });
    expect(one('healthcheck cmd ["a"]\n').healthcheck?.test).toEqual(["CMD", "a"]);
  });

  it.each([
    ["HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments"],
    ["HEALTHCHECK CMD", "Missing command after HEALTHCHECK CMD"],
    ["HEALTHCHECK FOO x", 'Unknown type "FOO" in HEALTHCHECK (try CMD)'],
    ["HEALTHCHECK --interval=xyz CMD true", 'time: invalid duration "xyz"'],
    ["HEALTHCHECK --interval=999us CMD true", 'Interval "interval" cannot be less than 1ms'],
    ["HEALTHCHECK --start-period=5 CMD true", 'time: missing unit in duration "5"'],
    ["HEALTHCHECK --retries=0 CMD true", "--retries must be at least 1 (not 0)"],
    ["HEALTHCHECK --retries=x CMD true", 'strconv.ParseInt: parsing "x": invalid syntax'],
  ])("%s → %s", (line, reason) => {
    expect(parseFailure(S + line + "\n").reason).toBe(reason);
  });
});

describe("ONBUILD", () => {
  it("stores the trigger as Docker does (keyword removed, trailing blanks kept) and parses it", () => {
    const ins = one("onbuild   COPY --chown=1 a b  \n");
    expect(ins.original).toBe("onbuild   COPY --chown=1 a b");
    expect(ins.trigger).toBe("COPY --chown=1 a b  ");
    expect(ins.args).toEqual(["copy", "a", "b"]);
    expect(ins.onbuild).toMatchObject({ kind: "COPY", args: ["a", "b"], flags: [{ name: "chown", value: "1" }] });
  });

  it("accepts a trigger Docker cannot run until a child build (no parsed trigger then)", () => {
    const ins = one("ONBUILD FOO bar\n");
    expect(ins.trigger).toBe("FOO bar");
    expect(ins.onbuild).toBeUndefined();
  });

  it.each([
    ["ONBUILD ONBUILD RUN x", "dockerfile parse error line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"],
    ["ONBUILD from x", "dockerfile parse error line 2: FROM isn't allowed as an ONBUILD trigger"],
    ["ONBUILD", "dockerfile parse error line 2: ONBUILD requires at least one argument"],
    ["ONBUILD ENV a", "failed to parse Dockerfile: ENV must have two arguments"],
  ])("%s → %s", (line, message) => expect(parseFailure(S + line + "\n").message).toBe(message));

  it("parseTrigger parses a stored trigger as a child build does", () => {
    expect(parseTrigger("RUN echo triggered > /onbuild.txt")).toMatchObject({ kind: "RUN", original: "RUN echo triggered > /onbuild.txt" });
    expect(() => parseTrigger("FOO bar")).toThrow(/^unknown instruction: FOO$/);
    try {
      parseTrigger("FOO bar");
    } catch (err) {
      expect(err).toMatchObject({ code: "trigger", reason: "unknown instruction: FOO" });
    }
    expect(() => parseTrigger("RUN a\nRUN b")).toThrow("onbuild trigger should be a single expression");
    expect(() => parseTrigger("ENV a")).toThrow(/^ENV must have two arguments$/);
  });
});

describe("stages", () => {
  it("groups instructions, keeps ARGs before the first FROM apart, and counts every step", () => {
    const df = parseDockerfile("ARG BASE=img\nARG V\nFROM $BASE AS Build\nARG V\nRUN make\nFROM build\nCOPY --from=Build /o /o\n");
    expect(df.metaArgs.map((a) => a.original)).toEqual(["ARG BASE=img", "ARG V"]);
    expect(df.stages.map((s) => ({ index: s.index, name: s.name, base: s.baseName, n: s.instructions.length }))).toEqual([
      { index: 0, name: "build", base: "$BASE", n: 2 },
      { index: 1, name: undefined, base: "build", n: 1 },
    ]);
    expect(df.all.length).toBe(7);
  });

  it.each([
    ["FROM a b", "FROM requires either one or three arguments"],
    ["FROM scratch AS 1x", 'invalid name for build stage: "1x", name can\'t start with a number or contain symbols'],
    ["FROM scratch AS a/b", 'invalid name for build stage: "a/b", name can\'t start with a number or contain symbols'],
  ])("%s → %s", (line, reason) => expect(parseFailure(line + "\n").reason).toBe(reason));

  it("accepts stage names with . _ -", () => {
    expect(parseDockerfile("FROM scratch AS a_b.c-d\n").stages[0].name).toBe("a_b.c-d");
  });
});

describe("errors", () => {
  it("e05: an instruction before the first FROM", () => {
    expect(parseFailure("RUN echo hi\nFROM scratch\n")).toMatchObject({
      code: "no-stage",
      message: "no build stage in current context",
      line: 1,
    });
  });

  it("reports what Docker reports first: line-parser errors anywhere, then instructions in order", () => {
    expect(parseFailure("FROM scratch\nFOO x\nENV a\n").message).toBe("failed to parse Dockerfile: ENV must have two arguments");
    expect(parseFailure("LABEL a=b\nFROM scratch\nFOO x\n").code).toBe("no-stage");
    expect(parseFailure("FOO x\nLABEL a=b\n").message).toBe("dockerfile parse error line 1: unknown instruction: FOO");
  });

  it("gives the start and end line of a multi-line instruction", () => {
    expect(parseFailure(S + "RUN a\nFOO a \\\n b\n")).toMatchObject({ line: 3, endLine: 4, reason: "unknown instruction: FOO" });
  });

  it("names the file as the daemon does", () => {
    expect(parseFailure("", { fileName: "Dockerfile.dev" }).message).toBe("the Dockerfile (Dockerfile.dev) cannot be empty");
    expect(parseFailure("# only a comment\n", { fileName: "Dockerfile.dev" }).message).toBe(
      "failed to parse Dockerfile.dev: file with no instructions",
    );
  });

  it("rejects a line longer than Docker's 64 KiB scanner buffer", () => {
    const long = "LABEL a=" + "x".repeat(65536) + "\n";
    expect(parseFailure(S + long).message).toBe("failed to parse Dockerfile: dockerfile line greater than max allowed size of 65535");
    expect(parseDockerfile(S + "LABEL a=" + "x".repeat(65535 - 8) + "\n").all).toHaveLength(2);
  });

  it("upper-cases unknown keywords rune by rune like Go", () => {
    expect(parseFailure(S + "straße x\n").reason).toBe("unknown instruction: STRAßE");
  });
});

describe("substitutes", () => {
  it("matches Docker 20.10's list (RUN's shell does its own; ONBUILD keeps the text)", () => {
    const all: InstructionKind[] = ["FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY",
      "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"];
    expect(all.filter(substitutes).sort()).toEqual(
      ["ADD", "ARG", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"],
    );
  });
});

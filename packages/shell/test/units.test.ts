import { describe, expect, it } from "vitest";
import { applyMode } from "../src/util/mode.js";
import { parseDate } from "../src/applets/touch.js";
import { parseSize } from "../src/applets/size.js";
import { parseOptions } from "../src/applets/options.js";
import { resolveExecUser, UserLookupError } from "../src/users/exec-user.js";
import { baseFs } from "./helpers.js";

describe("chmod modes (busybox rules)", () => {
  const cases: [string, number, boolean, number | undefined][] = [
    ["755", 0o644, false, 0o755],
    ["4755", 0o644, false, 0o4755],
    ["u+x", 0o644, false, 0o744],
    ["go-w", 0o666, false, 0o644],
    ["a=r", 0o777, false, 0o444],
    ["u=rwx,g=rx,o=", 0o000, false, 0o750],
    ["+x", 0o644, false, 0o755],
    ["+w", 0o444, false, 0o644],
    ["g=u", 0o740, false, 0o770],
    ["+X", 0o644, false, 0o644],
    ["+X", 0o644, true, 0o755],
    ["u+s,g+s", 0o755, false, 0o6755],
    ["+t", 0o777, true, 0o1777],
    ["=", 0o4755, false, 0o000],
    ["8", 0o644, false, undefined],
    ["u+q", 0o644, false, undefined],
  ];
  for (const [spec, from, isDir, want] of cases) {
    it(`${spec} on ${from.toString(8)}${isDir ? " (dir)" : ""}`, () => {
      expect(applyMode(spec, from, { isDir, umask: 0o022 })).toBe(want);
    });
  }
});

describe("touch -d dates", () => {
  const now = new Date("2024-05-06T07:08:09Z");
  it.each([
    ["2020-01-02 03:04:05", "2020-01-02T03:04:05.000Z"],
    ["2020-01-02T03:04:05Z", "2020-01-02T03:04:05.000Z"],
    ["2020-01-02 03:04:05+02:00", "2020-01-02T01:04:05.000Z"],
    ["2020-01-02", "2020-01-02T00:00:00.000Z"],
    ["@0", "1970-01-01T00:00:00.000Z"],
    ["12:30", "2024-05-06T12:30:00.000Z"],
    ["202001020304.05", "2020-01-02T03:04:05.000Z"],
  ])("%s", (text, iso) => {
    expect(parseDate(text, now)?.toISOString()).toBe(iso);
  });
  it("rejects nonsense", () => expect(parseDate("not a date", now)).toBeUndefined());
});

describe("sizes for dd, truncate and head", () => {
  it.each([
    ["512", 512],
    ["1k", 1024],
    ["2M", 2 * 1024 * 1024],
    ["1kB", 1000],
    ["2b", 1024],
    ["2x512", 1024],
    ["x", undefined],
  ])("%s", (text, n) => expect(parseSize(text)).toBe(n));
});

describe("USER resolution (runc's rules)", () => {
  it("resolves every form and reports Docker's errors", async () => {
    const fs = await baseFs();
    fs.writeFile("/etc/group", "root:x:0:\nnogroup:x:65534:\nstaff:x:50:nobody\n");
    expect(resolveExecUser(fs, "")).toEqual({ uid: 0, gid: 0, groups: [], home: "/root", name: "root" });
    expect(resolveExecUser(fs, "nobody")).toEqual({ uid: 65534, gid: 65534, groups: [50], home: "/nonexistent", name: "nobody" });
    expect(resolveExecUser(fs, "nobody:staff")).toMatchObject({ uid: 65534, gid: 50, groups: [] });
    expect(resolveExecUser(fs, "4242")).toEqual({ uid: 4242, gid: 0, groups: [], home: "/" });
    expect(resolveExecUser(fs, "4242:77")).toMatchObject({ uid: 4242, gid: 77 });
    expect(() => resolveExecUser(fs, "ghost")).toThrow(new UserLookupError("unable to find user ghost: no matching entries in passwd file"));
    expect(() => resolveExecUser(fs, "0:ghosts")).toThrow("unable to find group ghosts: no matching entries in group file");
  });
});

describe("applet options (getopt and getopt_long rules)", () => {
  it("takes clusters, values in the word or the next one, and options between operands until --", () => {
    const p = parseOptions(["-rfm755", "a", "-t", "dir", "--", "-x"], { flags: "rf", values: "mt" });
    expect([...p.opts]).toEqual([["r", true], ["f", true], ["m", "755"], ["t", "dir"]]);
    expect(p.operands).toEqual(["a", "-x"]);
  });

  it("keeps the order options came in and every value of a repeated one", () => {
    const p = parseOptions(["-f1", "-c2", "-f3"], { values: "bcf" });
    expect(p.order).toEqual([["f", "1"], ["c", "2"], ["f", "3"]]);
    expect(p.all.get("f")).toEqual(["1", "3"]);
  });

  it("stops at the first operand with inOrder (getopt's '+')", () => {
    expect(parseOptions(["-d", "a", "-s"], { flags: "ds", inOrder: true }).operands).toEqual(["a", "-s"]);
  });

  it("takes unambiguous prefixes of long options, and an optional value only after '='", () => {
    const long = { "check=?": "c", "key=": "k", reverse: "r" };
    expect([...parseOptions(["--rev", "--key", "2", "--check"], { long }).opts]).toEqual([["r", true], ["k", "2"], ["c", true]]);
    expect(parseOptions(["--check=quiet", "f"], { long }).opts.get("c")).toBe("quiet");
  });

  it("words its errors as getopt does", () => {
    const error = (args: string[], spec = {}) => {
      try {
        parseOptions(args, spec);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(error(["-nx"], { flags: "n" })).toBe("invalid option -- 'x'");
    expect(error(["-m"], { values: "m" })).toBe("option requires an argument -- 'm'");
    expect(error(["--bogus"])).toBe("unrecognized option '--bogus'");
    expect(error(["--a"], { long: { all: "a", "almost-all": "A" } })).toBe("option '--a' is ambiguous");
    expect(error(["--mode"], { long: { "mode=": "m" } })).toBe("option '--mode' requires an argument");
  });
});

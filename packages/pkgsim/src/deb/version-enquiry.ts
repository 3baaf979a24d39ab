import type { Out } from "../util/output.js";
import { compareVersions } from "./real/version.js";

/** A version as dpkg parses it, or why it cannot: an error stops dpkg (exit 2), a warning does not. */
type Parsed = { epoch: number; version: string; revision: string } & ({ problem?: undefined } | { problem: string; fatal: boolean });

const BLANK = /^[ \t]/;

/** dpkg's parseversion (lib/dpkg/parsehelp.c), checked against dpkg 1.21's own answers. */
export function parseDpkgVersion(text: string): Parsed {
  const fail = (problem: string, fatal = true): Parsed => ({ epoch: 0, version: "", revision: "", problem, fatal });
  let s = text;
  while (s && BLANK.test(s)) s = s.slice(1);
  if (!s) return fail("version string is empty");
  const blank = s.search(/[ \t]/);
  const end = blank >= 0 ? blank : s.length;
  if (s.slice(end).replace(/^[ \t]+/, "")) return fail("version string has embedded spaces");
  let epoch = 0;
  const colon = s.indexOf(":");
  if (colon >= 0) {
    // strtol: optional sign, then digits, which must end at the colon.
    const m = /^[+-]?\d+/.exec(s);
    if (!m) return fail("epoch in version is empty");
    if (m[0].length !== colon) return fail("epoch in version is not number");
    epoch = Number(m[0]);
    if (epoch < 0) return fail("epoch in version is negative");
    if (epoch > 2 ** 31 - 1) return fail("epoch in version is too big");
    // dpkg looks past the colon before trailing blanks are cut: "0: " has an empty version instead.
    if (colon === s.length - 1) return fail("nothing after colon in version number");
  }
  s = s.slice(colon + 1, end);
  const hyphen = s.lastIndexOf("-");
  const version = hyphen >= 0 ? s.slice(0, hyphen) : s;
  const revision = hyphen >= 0 ? s.slice(hyphen + 1) : "";
  if (hyphen >= 0 && !revision) return fail("revision number is empty");
  if (!version) return fail("version number is empty");
  const parsed = { epoch, version, revision };
  if (!/^[0-9]/.test(version)) return { ...parsed, problem: "version number does not start with digit", fatal: false };
  if (/[^0-9A-Za-z.+~:-]/.test(version)) return { ...parsed, problem: "invalid character in version number", fatal: false };
  if (/[^0-9A-Za-z.+~]/.test(revision)) return { ...parsed, problem: "invalid character in revision number", fatal: false };
  return parsed;
}

/** Exit codes per relation, as dpkg's table: [lesser, equal, greater, a blank, both blank, b blank]. */
const RELATIONS: Record<string, readonly number[]> = {
  le: [0, 0, 1, 0, 0, 1], lt: [0, 1, 1, 0, 1, 1], eq: [1, 0, 1, 1, 0, 1], ne: [0, 1, 0, 0, 1, 0],
  ge: [1, 0, 0, 1, 0, 0], gt: [1, 1, 0, 1, 1, 0],
  "le-nl": [0, 0, 1, 1, 0, 0], "lt-nl": [0, 1, 1, 1, 1, 0], "ge-nl": [1, 0, 0, 0, 0, 1], "gt-nl": [1, 1, 0, 0, 1, 1],
  "<": [0, 0, 1, 0, 0, 1], "<=": [0, 0, 1, 0, 0, 1], "<<": [0, 1, 1, 0, 1, 1], "=": [1, 0, 1, 1, 0, 1],
  ">": [1, 0, 0, 1, 0, 0], ">=": [1, 0, 0, 1, 0, 0], ">>": [1, 1, 0, 1, 1, 0],
};

const HELP = "\nType dpkg --help for help about installing and deinstalling packages [*];\nUse 'apt' or 'aptitude' for user-friendly package management;\nType dpkg -Dhelp for a list of dpkg debug flag values;\nType dpkg --force-help for a list of forcing options;\nType dpkg-deb --help for help about manipulating *.deb files;\n\nOptions marked [*] produce a lot of output - pipe it through 'less' or 'more' !";

/** dpkg's usage error: the message, its help lines, exit 2. */
export function dpkgUsage(out: Out, message: string): number {
  out.err(`dpkg: error: ${message}`);
  out.err(HELP);
  return 2;
}

/**
 * A parsed version for an enquiry: a warning is printed and the version used; an error ends
 * dpkg (exit 2). undefined then.
 */
function enquire(out: Out, text: string): Parsed | undefined {
  const v = parseDpkgVersion(text);
  if (v.problem === undefined) return v;
  out.err(`dpkg: ${v.fatal ? "error" : "warning"}: version '${text}' has bad syntax: ${v.problem}`);
  return v.fatal ? undefined : v;
}

/**
 * dpkg reads options up to the first argument that is not one, so an action's first argument
 * starting with "-" is an option. Those that are not dpkg options (a negative epoch, "-~1") are
 * refused as dpkg refuses them; dpkg's own letters (-a, -b …) are not modelled.
 */
function optionInsteadOfArgument(out: Out, args: string[]): number | undefined {
  // "--" ends the options (dpkg-maintscript-helper: `dpkg --validate-version -- "$version"`).
  if (args[0] === "--") {
    args.shift();
    return undefined;
  }
  const first = args[0];
  if (first === undefined || first.length < 2 || !first.startsWith("-")) return undefined;
  return dpkgUsage(out, `unknown option ${first.startsWith("--") ? first : first.slice(0, 2)}`);
}

/** `dpkg --validate-version V`: 0 when valid, 1 on a syntax warning, 2 on an error. */
export function validateVersion(out: Out, args: string[]): number {
  const option = optionInsteadOfArgument(out, args);
  if (option !== undefined) return option;
  if (args.length !== 1) return dpkgUsage(out, "--validate-version takes one <version> argument");
  const v = enquire(out, args[0]);
  return v === undefined ? 2 : v.problem === undefined ? 0 : 1;
}

/** `dpkg --compare-versions A REL B`: the relation's exit code (0 true, 1 false), as dpkg's table gives it. */
export function compareVersionsCommand(out: Out, args: string[]): number {
  const option = optionInsteadOfArgument(out, args);
  if (option !== undefined) return option;
  if (args.length !== 3) return dpkgUsage(out, "--compare-versions takes three arguments: <version> <relation> <version>");
  const rel = RELATIONS[args[1]];
  if (!rel) return dpkgUsage(out, "--compare-versions bad relation");
  if (args[1] === "<" || args[1] === ">") out.err(`dpkg: warning: --compare-versions used with obsolete relation operator '${args[1]}'`);
  const side = (text: string) => (text && text !== "<unknown>" ? enquire(out, text) : { epoch: 0, version: "", revision: "" });
  const a = side(args[0]);
  if (!a) return 2;
  const b = side(args[2]);
  if (!b) return 2;
  const informative = (v: Parsed) => v.epoch !== 0 || v.version !== "" || v.revision !== "";
  if (!informative(a)) return informative(b) ? rel[3] : rel[4];
  if (!informative(b)) return rel[5];
  const str = (v: Parsed) => `${v.epoch}:${v.version}${v.revision ? `-${v.revision}` : ""}`;
  const c = compareVersions(str(a), str(b));
  return c < 0 ? rel[0] : c === 0 ? rel[1] : rel[2];
}

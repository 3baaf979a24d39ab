// Docker's instruction layer (buildkit v0.8 instructions/parse.go ParseInstruction): turns
// a parsed line into a typed Instruction, checking arguments and flags in Docker's order
// so that the first error reported is Docker's. Errors here are the ones dockerd reports
// as `dockerfile parse error line N: ...`.

import { checkFlags, splitFlag, type FlagType } from "./bflags.js";
import { InstructionError } from "./errors.js";
import { equalFold, toLower, toUpper, trimSpace } from "./go-text.js";
import { goQuote } from "@tsbuild/dockerfmt";
import type { LineNode } from "./line-node.js";
import { parseMount } from "./run-mount.js";
import { healthcheckFromArgs } from "./healthcheck.js";
import { pair } from "./pairs.js";
import type { Flag, Heredoc, Instruction, InstructionKind, Pair } from "./types.js";

export interface LocatedNode extends LineNode {
  startLine: number;
  endLine: number;
}

/** What a kind adds to the base instruction: its pairs, trigger, healthcheck or mounts. */
type Extras = Record<string, unknown>;

/** Which of Docker's builders reads the file: 20.10's classic one refuses BuildKit's flags. */
/**
 * Which parser reads the flags: "classic" (Docker 20.10's classic builder), "builtin" (the
 * dockerfile frontend built into dockerd 20.10's BuildKit: RUN --mount, COPY/ADD --chmod, no
 * --network, --security, --link or --checksum) or "buildkit" (a newer frontend, named by `# syntax=`).
 */
export type Frontend = "classic" | "builtin" | "buildkit";

interface Context {
  node: LocatedNode;
  args: string[];
  escapeToken: string;
  frontend: Frontend;
}

const fail = (message: string): never => {
  throw new InstructionError(message);
};

const exactlyOne = (args: string[], name: string) => {
  if (args.length !== 1) fail(`${name} requires exactly one argument`);
};
const atLeastOne = (args: string[], name: string) => {
  if (args.length === 0) fail(`${name} requires at least one argument`);
};
const needsDestination = (args: string[], name: string) => {
  if (args.length < 2) {
    fail(`${name} requires at least two arguments, but only one was provided. Destination could not be determined`);
  }
};
const flags = (ctx: Context, accepted: Record<string, FlagType> = {}) => checkFlags(ctx.node.flags, accepted);

/** ENV and LABEL: the flattened [key, value, ...] list Docker's line parser produced. */
function keyValuePairs(ctx: Context, name: string): Pair[] {
  const { args } = ctx;
  atLeastOne(args, name);
  if (args.length % 2 !== 0) fail(`Bad input to ${name}, too many arguments`);
  const pairs: Pair[] = [];
  for (let i = 0; i < args.length; i += 2) {
    if (args[i].length === 0) fail(`${name} names can not be blank`);
    pairs.push(pair(args[i], args[i + 1], ctx.escapeToken));
  }
  return pairs;
}

const stageNamePattern = /^[a-z][a-z0-9_.-]*$/;

function checkFrom(args: string[]): void {
  if (args.length === 3 && equalFold(args[1], "as")) {
    if (!stageNamePattern.test(toLower(args[2]))) {
      fail(`invalid name for build stage: ${goQuote(args[2])}, name can't start with a number or contain symbols`);
    }
  } else if (args.length !== 1) {
    fail("FROM requires either one or three arguments");
  }
}

function onbuildExtras(ctx: Context): Extras {
  const { node, args } = ctx;
  atLeastOne(args, "ONBUILD");
  flags(ctx);
  const trigger = toUpper(trimSpace(args[0]));
  if (trigger === "ONBUILD") fail("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger === "MAINTAINER" || trigger === "FROM") fail(`${trigger} isn't allowed as an ONBUILD trigger`);
  // Docker stores the untrimmed line minus the ONBUILD keyword (trailing blanks kept);
  // BuildKit appends heredoc bodies and terminators.
  let expression = node.original.replace(/^[\t\n\f\r ]*ONBUILD[\t\n\f\r ]*/i, "");
  for (const doc of node.heredocs) expression += "\n" + doc.content + doc.name;
  const extras: Extras = { trigger: expression };
  if (node.sub) {
    const inner = tryBuildInstruction({ ...node.sub, startLine: node.startLine, endLine: node.endLine }, ctx.escapeToken, ctx.frontend);
    if (inner) extras.onbuild = inner;
  }
  return extras;
}

function runExtras(ctx: Context): Extras {
  // --network is BuildKit's: 20.10's classic parser says "Unknown flag". It parses --mount, and its
  // dispatcher refuses it (the builder says so at the step).
  flags(ctx, ctx.frontend !== "buildkit" ? { mount: "strings" } : { mount: "strings", network: "string", security: "string" });
  const mounts = ctx.node.flags
    .map(splitFlag)
    .filter((f) => f.name === "mount")
    .map((f) => parseMount(f.value ?? ""));
  return { mounts };
}

function argExtras(ctx: Context): Extras {
  if (ctx.args.length < 1) fail("ARG requires at least one argument");
  const pairs = ctx.args.map((word) => {
    const eq = word.indexOf("=");
    if (eq < 0) return pair(word, null, ctx.escapeToken);
    if (eq === 0) fail("ARG names can not be blank");
    return pair(word.slice(0, eq), word.slice(eq + 1), ctx.escapeToken);
  });
  return { pairs };
}

function shellExtras(ctx: Context): Extras {
  flags(ctx);
  if (ctx.args.length === 0) fail("SHELL requires at least one argument");
  if (!ctx.node.json) fail("SHELL requires the arguments to be in JSON form");
  return {};
}

function volumeExtras(ctx: Context): Extras {
  atLeastOne(ctx.args, "VOLUME");
  flags(ctx);
  if (ctx.args.some((v) => trimSpace(v) === "")) fail("VOLUME specified can not be an empty string");
  return {};
}

/** The flags each kind reads, as typed fields (the last one given wins; "" when written without `=`). */
const typedFlags: Partial<Record<InstructionKind, string[]>> = {
  FROM: ["platform"],
  RUN: ["network", "security"],
  COPY: ["chown", "chmod", "from", "link"],
  ADD: ["chown", "chmod", "checksum", "link"],
};

const kinds: Record<string, { kind: InstructionKind; check: (ctx: Context) => Extras }> = {
  env: { kind: "ENV", check: (ctx) => (flags(ctx), { pairs: keyValuePairs(ctx, "ENV") }) },
  maintainer: { kind: "MAINTAINER", check: (ctx) => (exactlyOne(ctx.args, "MAINTAINER"), flags(ctx), {}) },
  label: { kind: "LABEL", check: (ctx) => (flags(ctx), { pairs: keyValuePairs(ctx, "LABEL") }) },
  add: {
    kind: "ADD",
    // --link and --checksum are BuildKit's; 20.10's classic parser knows --chmod and its dispatcher refuses it.
    check: (ctx) => (
      needsDestination(ctx.args, "ADD"),
      flags(ctx, ctx.frontend !== "buildkit" ? { chown: "string", chmod: "string" } : { chown: "string", chmod: "string", link: "bool", checksum: "string" }),
      {}
    ),
  },
  copy: {
    kind: "COPY",
    check: (ctx) => (
      needsDestination(ctx.args, "COPY"),
      flags(ctx, ctx.frontend !== "buildkit" ? { chown: "string", from: "string", chmod: "string" } : { chown: "string", from: "string", chmod: "string", link: "bool" }),
      {}
    ),
  },
  from: { kind: "FROM", check: (ctx) => (checkFrom(ctx.args), flags(ctx, { platform: "string" }), {}) },
  onbuild: { kind: "ONBUILD", check: onbuildExtras },
  workdir: { kind: "WORKDIR", check: (ctx) => (exactlyOne(ctx.args, "WORKDIR"), flags(ctx), {}) },
  run: { kind: "RUN", check: runExtras },
  cmd: { kind: "CMD", check: (ctx) => (flags(ctx), {}) },
  healthcheck: { kind: "HEALTHCHECK", check: (ctx) => ({ healthcheck: healthcheckFromArgs(ctx.args, ctx.node) }) },
  entrypoint: { kind: "ENTRYPOINT", check: (ctx) => (flags(ctx), {}) },
  expose: { kind: "EXPOSE", check: (ctx) => (atLeastOne(ctx.args, "EXPOSE"), flags(ctx), {}) },
  user: { kind: "USER", check: (ctx) => (exactlyOne(ctx.args, "USER"), flags(ctx), {}) },
  volume: { kind: "VOLUME", check: volumeExtras },
  // Docker never checks STOPSIGNAL's or ARG's flags: they are accepted and ignored.
  stopsignal: { kind: "STOPSIGNAL", check: (ctx) => (exactlyOne(ctx.args, "STOPSIGNAL"), {}) },
  arg: { kind: "ARG", check: argExtras },
  shell: { kind: "SHELL", check: shellExtras },
};

function toHeredoc(doc: LineNode["heredocs"][number]): Heredoc {
  const h: Heredoc = { name: doc.name, content: doc.content, expand: doc.expand, chomp: doc.chomp };
  if (doc.fileDescriptor !== undefined) h.fileDescriptor = doc.fileDescriptor;
  return h;
}

/** Docker's ParseInstruction. Throws InstructionError with Docker's reason. */
export function buildInstruction(node: LocatedNode, escapeToken: string, frontend: Frontend = "buildkit"): Instruction {
  const spec = Object.hasOwn(kinds, node.cmd) ? kinds[node.cmd] : undefined;
  if (!spec) fail(`unknown instruction: ${toUpper(node.cmd)}`);
  const extras = spec!.check({ node, args: node.args, escapeToken, frontend });
  const flagList: Flag[] = node.flags.map(splitFlag);
  const flag = (name: string) => {
    const found = flagList.filter((f) => f.name === name).pop();
    return found ? (found.value ?? "") : undefined;
  };
  for (const name of typedFlags[spec!.kind] ?? []) {
    const value = flag(name);
    if (value !== undefined) extras[name] = value;
  }
  return {
    kind: spec!.kind,
    keyword: node.keyword,
    startLine: node.startLine,
    endLine: node.endLine,
    original: trimSpace(node.original),
    flags: flagList,
    flag,
    args: node.args,
    json: node.json,
    heredocs: node.heredocs.map(toHeredoc),
    ...extras,
  } as Instruction;
}

/** ONBUILD triggers are not checked until a child build runs them: a bad one is kept as text only. */
function tryBuildInstruction(node: LocatedNode, escapeToken: string, frontend: Frontend): Instruction | undefined {
  try {
    return buildInstruction(node, escapeToken, frontend);
  } catch (err) {
    if (err instanceof InstructionError) return undefined;
    throw err;
  }
}

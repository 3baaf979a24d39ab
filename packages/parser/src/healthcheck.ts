// HEALTHCHECK, checked as Docker 20.10 does (buildkit v0.8 parseHealthcheck).

import { checkFlags, splitFlag } from "./bflags.js";
import { parseGoDuration, DurationError } from "./duration.js";
import { InstructionError } from "./errors.js";
import { toUpper } from "./go-text.js";
import { goQuote } from "@tsbuild/dockerfmt";
import type { FlagWord } from "./split-command.js";
import type { Healthcheck } from "./types.js";

const fail = (message: string): never => {
  throw new InstructionError(message);
};

// container.MinimumDuration
const MINIMUM_NS = 1_000_000n;

/** Docker's parseOptInterval: "" is 0, else a Go duration of at least 1ms. */
function interval(flagName: string, value: string): number {
  if (value === "") return 0;
  let ns: bigint;
  try {
    ns = parseGoDuration(value);
  } catch (err) {
    if (err instanceof DurationError) fail(err.message);
    throw err;
  }
  if (ns! < MINIMUM_NS) fail(`Interval ${goQuote(flagName)} cannot be less than 1ms`);
  return Number(ns!);
}

/** strconv.ParseInt(value, 10, 32) */
function parseInt32(value: string): number {
  if (!/^[+-]?[0-9]+$/.test(value)) fail(`strconv.ParseInt: parsing ${goQuote(value)}: invalid syntax`);
  const n = Number(value);
  if (n < -(2 ** 31) || n > 2 ** 31 - 1) fail(`strconv.ParseInt: parsing ${goQuote(value)}: value out of range`);
  return n;
}

export function healthcheckFromArgs(args: string[], node: { flags: FlagWord[]; json: boolean }): Healthcheck {
  if (args.length === 0) fail("HEALTHCHECK requires at least one argument");
  const type = toUpper(args[0]);
  const command = args.slice(1);
  if (type === "NONE") {
    // Docker does not look at the flags of HEALTHCHECK NONE at all.
    if (command.length !== 0) fail("HEALTHCHECK NONE takes no arguments");
    return { none: true, test: ["NONE"] };
  }
  checkFlags(node.flags, { interval: "string", timeout: "string", "start-period": "string", retries: "string" });
  const given = new Map(node.flags.map(splitFlag).map((f) => [f.name, f.value ?? ""]));
  if (type !== "CMD") fail(`Unknown type ${goQuote(type)} in HEALTHCHECK (try CMD)`);
  // handleJSONArgs: the shell form is one string
  const cmd = node.json ? command : command.length === 0 ? [] : [command.join(" ")];
  if (cmd.length === 0) fail("Missing command after HEALTHCHECK CMD");
  const check: Healthcheck = { none: false, test: [node.json ? "CMD" : "CMD-SHELL", ...cmd] };
  const intervalText = given.get("interval") ?? "";
  const timeoutText = given.get("timeout") ?? "";
  const startText = given.get("start-period") ?? "";
  check.intervalNs = interval("interval", intervalText);
  check.timeoutNs = interval("timeout", timeoutText);
  check.startPeriodNs = interval("start-period", startText);
  if (intervalText !== "") check.interval = intervalText;
  if (timeoutText !== "") check.timeout = timeoutText;
  if (startText !== "") check.startPeriod = startText;
  const retries = given.get("retries") ?? "";
  if (retries !== "") {
    const n = parseInt32(retries);
    if (n < 1) fail(`--retries must be at least 1 (not ${n})`);
    check.retries = n;
  }
  return check;
}

import type { AppletContext } from "./applet.js";

/**
 * getopt-style parsing for the applets: clustered short flags ("-Rh"), flags with values
 * ("-m 755", "-m755"), long options ("--mode=755", "--mode 755"), "--" ending options.
 * Options and operands may be mixed, as GNU and busybox allow.
 */
export interface OptionSpec {
  /** Short flags without a value, e.g. "Rhfv". */
  flags?: string;
  /** Short flags that take a value, e.g. "mgo". */
  values?: string;
  /**
   * Long option names mapped to a short letter (or to themselves); value-taking ones end with
   * "=", ones with an optional value (given only as "--name=VALUE") with "=?".
   */
  long?: Record<string, string>;
  /** Options end at the first operand (getopt's "+"), as in tr: `tr a -d` translates to "-d". */
  inOrder?: boolean;
}

export interface ParsedOptions {
  /** Letters (or long names) seen, with the last value given. */
  opts: Map<string, string | true>;
  /** Every value given for an option, in order. */
  all: Map<string, string[]>;
  /** Every option as given, in order (for "the last of -b, -c and -f wins"). */
  order: Array<[string, string | true]>;
  operands: string[];
}

export class OptionError extends Error {}

export function parseOptions(args: readonly string[], spec: OptionSpec): ParsedOptions {
  const opts = new Map<string, string | true>();
  const all = new Map<string, string[]>();
  const operands: string[] = [];
  const order: Array<[string, string | true]> = [];
  const flags = spec.flags ?? "";
  const values = spec.values ?? "";
  const set = (k: string, v: string | true) => {
    opts.set(k, v);
    order.push([k, v]);
    if (typeof v === "string") all.set(k, [...(all.get(k) ?? []), v]);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const long = spec.long ?? {};
      const names = Object.keys(long);
      // getopt_long takes any unambiguous prefix (`useradd --home` is --home-dir).
      let key = names.find((k) => k.replace(/=\??$/, "") === name);
      if (key === undefined && name !== "") {
        const prefixed = names.filter((k) => k.startsWith(name));
        const targets = new Set(prefixed.map((k) => long[k]));
        if (targets.size > 1) throw new OptionError(`option '${a}' is ambiguous`);
        key = prefixed[0];
      }
      if (key === undefined) throw new OptionError(`unrecognized option '${a}'`);
      const target = long[key];
      if (key.endsWith("=?")) {
        set(target, eq >= 0 ? a.slice(eq + 1) : true);
      } else if (key.endsWith("=")) {
        const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined) throw new OptionError(`option '${a}' requires an argument`);
        set(target, v);
      } else {
        set(target, true);
      }
      continue;
    }
    if (a.length > 1 && a.startsWith("-")) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (values.includes(c)) {
          const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
          if (v === undefined) throw new OptionError(`option requires an argument -- '${c}'`);
          set(c, v);
          break;
        }
        if (!flags.includes(c)) throw new OptionError(`invalid option -- '${c}'`);
        set(c, true);
      }
      continue;
    }
    if (spec.inOrder) {
      operands.push(...args.slice(i));
      break;
    }
    operands.push(a);
  }
  return { opts, all, order, operands };
}

/** How an applet reports a bad option: its usage status, and GNU's pointer to --help. */
export interface OptionReport {
  /** Exit status for a bad option: 1 for coreutils and busybox, 2 for shadow's tools. */
  status?: number;
  /** coreutils follows the message with "Try 'NAME --help' for more information." */
  tryHelp?: boolean;
}

/**
 * parseOptions over the applet's arguments; a bad option is printed as "NAME: message" (getopt's
 * first error, as the real program stops at it) and its exit status returned instead.
 */
export function appletOptions(ctx: AppletContext, name: string, spec: OptionSpec, report: OptionReport = {}): ParsedOptions | number {
  try {
    return parseOptions(ctx.args, spec);
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    ctx.stderr(`${name}: ${e.message}\n`);
    if (report.tryHelp) ctx.stderr(`Try '${name} --help' for more information.\n`);
    return report.status ?? 1;
  }
}

/**
 * The SOURCE... DEST operands of cp, install and ln: with `-t DIR` every operand is a source and
 * DIR the destination directory (`toDir`), else the last operand is the destination. Undefined
 * when there is no destination.
 */
export function splitDestination(parsed: ParsedOptions): { sources: string[]; dest: string; toDir: boolean } | undefined {
  const { opts, operands } = parsed;
  const t = opts.get("t");
  if (typeof t === "string") return { sources: operands, dest: t, toDir: true };
  if (operands.length < 2) return undefined;
  return { sources: operands.slice(0, -1), dest: operands[operands.length - 1], toDir: false };
}

import type { ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** A command-line mistake, worded as Docker's CLI (spf13/pflag) words it. */
export class FlagError extends Error {}

/**
 * pflag's grammar, which Docker users type: `--name value`, `--name=value`, `-f value`, `-fvalue`,
 * `-qf value` (short booleans combined), `--bool=false`, flags anywhere among the arguments, and
 * `--` ending the flags. Node's parseArgs accepts less and words its errors differently.
 */
export function parseFlags(options: Options, argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, o] of Object.entries(options)) if (o.short) byShort.set(o.short, name);
  const set = (name: string, value: string | boolean) => {
    if (options[name]!.multiple) ((values[name] as unknown[] | undefined) ?? (values[name] = []) as unknown[]).push(value);
    else values[name] = value;
  };
  const bool = (name: string, raw: string, shown: string): boolean => {
    if (/^(1|t|T|TRUE|true|True)$/.test(raw)) return true;
    if (/^(0|f|F|FALSE|false|False)$/.test(raw)) return false;
    throw new FlagError(`invalid argument "${raw}" for "${shown}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
  };
  const shownName = (name: string) => (options[name]!.short ? `-${options[name]!.short}, --${name}` : `--${name}`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const o = options[name];
      if (!o) throw new FlagError(`unknown flag: --${name}`);
      if (o.type === "boolean") set(name, eq < 0 ? true : bool(name, arg.slice(eq + 1), shownName(name)));
      else if (eq >= 0) set(name, arg.slice(eq + 1));
      else if (i + 1 < argv.length) set(name, argv[++i]!);
      else throw new FlagError(`flag needs an argument: --${name}`);
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j]!;
        const name = byShort.get(c);
        if (!name) throw new FlagError(`unknown shorthand flag: '${c}' in ${arg}`);
        const o = options[name]!;
        if (o.type === "boolean") {
          if (arg[j + 1] === "=") {
            set(name, bool(name, arg.slice(j + 2), shownName(name)));
            break;
          }
          set(name, true);
          continue;
        }
        const rest = arg.slice(j + 1);
        if (rest) set(name, rest.startsWith("=") ? rest.slice(1) : rest);
        else if (i + 1 < argv.length) set(name, argv[++i]!);
        else throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { values, positionals };
}

/** Damerau-free Levenshtein distance: enough to point `tsbuild imgaes` at `images`. */
export function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { commands, type CommandEntry } from "./commands/index.js";
import { type Command, type Io } from "./command.js";
import { distance, FlagError, parseFlags } from "./flags.js";
import { commandHelp, table } from "./help.js";

/** Options that come before the command, as `docker --debug build` / `tsbuild --root DIR history x`. */
const GLOBAL = {
  root: { type: "string" as const },
  debug: { type: "boolean" as const, short: "D" },
  help: { type: "boolean" as const, short: "h" },
  version: { type: "boolean" as const, short: "v" },
};
const GLOBAL_HELP: Array<[string, string]> = [
  ["    --root string", "Store directory (default $TSBUILD_ROOT, else ~/.local/share/tsbuild)"],
  ["-D, --debug", "Enable debug mode (stack traces on errors)"],
  ["-h, --help", "Print usage"],
  ["-v, --version", "Print version information and quit"],
];

export async function main(argv: string[], io: Io): Promise<number> {
  let i = 0;
  const globals: string[] = [];
  while (i < argv.length && argv[i]!.startsWith("-") && argv[i] !== "-" && isGlobal(argv[i]!)) {
    globals.push(argv[i]!);
    if ((argv[i] === "--root") && i + 1 < argv.length) globals.push(argv[++i]!);
    i++;
  }
  let g;
  try {
    g = parseFlags(GLOBAL, globals).values;
  } catch (e) {
    io.stderr(`${(e as Error).message}\nSee 'tsbuild --help'.\n`);
    return 125;
  }
  if (g.version) {
    io.stdout(`tsbuild version ${version()}\n`);
    return 0;
  }
  if (g.root !== undefined || g.debug) {
    const env = { ...io.env };
    if (g.root !== undefined) env.TSBUILD_ROOT = resolve(io.cwd, g.root as string);
    if (g.debug) env.TSBUILD_DEBUG = "1";
    io = { ...io, env };
  }
  const args = argv.slice(i);
  const first = args[0];
  if (first === "help" && args.length > 1) {
    // `docker help build` is `docker build --help`.
    return main([...argv.slice(0, i), ...args.slice(1), "--help"], io);
  }
  if (g.help || first === "help" || args.length === 0) {
    io.stdout(await usage());
    return args.length === 0 && !g.help ? 1 : 0;
  }
  let entry: CommandEntry | undefined;
  let rest = args;
  if (first !== undefined && !first.startsWith("-")) {
    const two = args.length > 1 ? commands.find((c) => c.name === `${first} ${args[1]}`) : undefined;
    entry = two ?? commands.find((c) => c.name === first);
    rest = args.slice(two ? 2 : 1);
    if (!entry && isGroup(first)) {
      io.stdout(await groupUsage(first));
      return args.length === 1 ? 0 : (io.stderr(`tsbuild: '${args.slice(0, 2).join(" ")}' is not a tsbuild command.\nSee 'tsbuild ${first} --help'\n`), 1);
    }
    if (!entry && !looksLikeContext(first, io)) {
      io.stderr(`tsbuild: '${first}' is not a tsbuild command.\n${nearest(first)}See 'tsbuild --help'\n`);
      return 1;
    }
  }
  if (!entry) {
    // `tsbuild -f Dockerfile -t x .` is the form users type: no command means build.
    entry = commands.find((c) => c.name === "build")!;
    rest = args;
  }
  const cmd = await entry.load();
  if (rest.includes("--help") || (rest.includes("-h") && !Object.values(cmd.options).some((o) => o.short === "h"))) {
    io.stdout(commandHelp(cmd));
    return 0;
  }
  let parsed;
  try {
    parsed = parseFlags(cmd.options, rest);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr(`${e.message}\nSee 'tsbuild ${cmd.name} --help'.\n`);
    return 125;
  }
  try {
    return await cmd.run({ values: parsed.values, positionals: parsed.positionals, io });
  } catch (e) {
    const err = e as Error & { exitCode?: number };
    io.stderr(`Error: ${err.message}\n`);
    if (io.env.TSBUILD_DEBUG && err.stack) io.stderr(err.stack + "\n");
    return err.exitCode ?? 1;
  }
}

function isGlobal(arg: string): boolean {
  const name = arg.startsWith("--") ? arg.slice(2).split("=")[0]! : "";
  return name in GLOBAL || /^-[Dhv]+$/.test(arg);
}

/** A word that names no command is a build context only when it is one (a directory, or `-`). */
function looksLikeContext(word: string, io: Io): boolean {
  if (word === "-" || word === "." || word.includes("/")) return true;
  try {
    return statSync(resolve(io.cwd, word)).isDirectory();
  } catch {
    return false;
  }
}

function isGroup(word: string): boolean {
  return commands.some((c) => c.name.startsWith(word + " "));
}

/** cobra's "Did you mean this?": the closest commands, and every `X prune` when the word is `prune`. */
function nearest(word: string): string {
  const names = commands.map((c) => c.name);
  const leaf = names.filter((n) => n.split(" ")[1] === word);
  const close = names.filter((n) => !n.includes(" ") && (distance(word, n) <= 2 || n.startsWith(word)));
  const all = [...new Set([...leaf, ...close])];
  return all.length ? `\nDid you mean this?\n${all.map((n) => `\t${n}\n`).join("")}\n` : "";
}

function version(): string {
  // dist/main.js and src/main.ts both sit one level below the package's package.json.
  return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
}

async function loaded(filter: (c: CommandEntry) => boolean): Promise<Command[]> {
  return Promise.all(commands.filter(filter).map((c) => c.load()));
}

async function usage(): Promise<string> {
  const groups = [...new Set(commands.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]!))];
  const plain = await loaded((c) => !c.name.includes(" "));
  const rows = plain.map((c) => [c.name, c.summary] as const);
  const groupRows = groups.map((g) => [g, GROUP_SUMMARY[g] ?? `Manage ${g}`] as const);
  return (
    `\nUsage:  tsbuild [OPTIONS] COMMAND\n        tsbuild [OPTIONS] [BUILD OPTIONS] PATH | -      (same as tsbuild build)\n\n` +
    `A docker build simulator: Docker's layers, history and cache, without Docker.\n\n` +
    `Options:\n${table(GLOBAL_HELP)}\nManagement Commands:\n${table(groupRows)}\nCommands:\n${table(rows)}\n` +
    `Run 'tsbuild COMMAND --help' for more information on a command.\n`
  );
}

const GROUP_SUMMARY: Record<string, string> = {
  image: "Manage images",
  builder: "Manage builds",
  system: "Manage tsbuild",
};

async function groupUsage(group: string): Promise<string> {
  const subs = await loaded((c) => c.name.startsWith(group + " "));
  const rows = subs.map((c) => [c.name.slice(group.length + 1), c.summary] as const);
  return `\nUsage:  tsbuild ${group} COMMAND\n\n${GROUP_SUMMARY[group] ?? ""}\n\nCommands:\n${table(rows)}\nRun 'tsbuild ${group} COMMAND --help' for more information on a command.\n`;
}

import { commands } from "./commands/index.js";
import { parseCommandArgs, type Io } from "./command.js";

export async function main(argv: string[], io: Io): Promise<number> {
  // `tsbuild -f Dockerfile -t x .` is the form users type: no subcommand means build.
  const first = argv[0];
  const namedEntry = first !== undefined && !first.startsWith("-") ? commands.find((c) => c.name === first) : undefined;
  if (first === "--help" || first === "-h" || first === "help" || argv.length === 0) {
    io.stdout(await usage());
    return argv.length === 0 ? 1 : 0;
  }
  const entry = namedEntry ?? commands.find((c) => c.name === "build");
  const cmd = await entry?.load();
  if (!cmd) {
    io.stderr(`tsbuild: '${first}' is not a tsbuild command.\nSee 'tsbuild --help'\n`);
    return 1;
  }
  const rest = namedEntry ? argv.slice(1) : argv;
  if (rest.includes("--help")) {
    io.stdout(`\nUsage:  tsbuild ${cmd.usage}\n\n${cmd.summary}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseCommandArgs(cmd, rest);
  } catch (e) {
    io.stderr(`${(e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, "")}\nSee 'tsbuild ${cmd.name} --help'.\n`);
    return 125;
  }
  try {
    return await cmd.run({ values: parsed.values as Record<string, unknown>, positionals: parsed.positionals, io });
  } catch (e) {
    const err = e as Error & { exitCode?: number };
    io.stderr(`Error: ${err.message}\n`);
    if (io.env.TSBUILD_DEBUG && err.stack) io.stderr(err.stack + "\n");
    return err.exitCode ?? 1;
  }
}

async function usage(): Promise<string> {
  const all = await Promise.all(commands.map((c) => c.load()));
  const width = Math.max(...all.map((c) => c.name.length), 4);
  const lines = all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `\nUsage:  tsbuild [OPTIONS] PATH | URL | -      (same as tsbuild build)\n        tsbuild COMMAND\n\nA docker build simulator: Docker's layers, history and cache, without Docker.\n\nCommands:\n${lines.join("\n")}\n\nRun 'tsbuild COMMAND --help' for more information on a command.\n`;
}

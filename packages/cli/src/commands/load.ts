import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadArchive } from "@tsbuild/store";
import { rootOption, UsageError, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";

export const loadCommand: Command = {
  name: "load",
  summary: "Load an image from a tar archive or STDIN",
  usage: "load [OPTIONS]",
  options: {
    ...rootOption,
    input: { type: "string", short: "i" },
    quiet: { type: "boolean", short: "q" },
  },
  async run({ values, positionals, io }) {
    checkArgCount(loadCommand, positionals.length, 0);
    const input = values.input as string | undefined;
    if (!input && io.isTTY && (io.stdin as { isTTY?: boolean }).isTTY) {
      throw new UsageError("requested load from stdin, but stdin is empty");
    }
    let source: string | NodeJS.ReadableStream = io.stdin;
    if (input) {
      source = resolve(io.cwd, input);
      if (!existsSync(source)) throw new UsageError(`open ${source}: no such file or directory`);
    }
    const lines = await loadArchive(storeFor(values, io), source);
    for (const line of lines) io.stdout(line + "\n");
    return 0;
  },
};

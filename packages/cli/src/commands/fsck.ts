import { rootOption, UsageError, type Command } from "../command.js";
import { storeFor } from "../store-root.js";

export const fsckCommand: Command = {
  name: "fsck",
  summary: "Check the store: re-hash every layer, check chainIDs, parent links, image IDs and tags",
  usage: "fsck [OPTIONS]",
  options: { ...rootOption },
  async run({ values, positionals, io }) {
    if (positionals.length) throw new UsageError(`"tsbuild fsck" accepts no arguments.\nSee 'tsbuild fsck --help'.\n\nUsage:  tsbuild fsck [OPTIONS]`);
    const problems = await storeFor(values, io).fsck();
    for (const p of problems) io.stdout(p + "\n");
    return problems.length ? 1 : 0;
  },
};

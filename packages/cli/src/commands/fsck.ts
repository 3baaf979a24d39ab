import { rootOption, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";

export const fsckCommand: Command = {
  name: "fsck",
  summary: "Check the store: re-hash every layer, check chainIDs, parent links, image IDs and tags",
  usage: "fsck [OPTIONS]",
  options: { ...rootOption, repair: { type: "boolean" as const } },
  async run({ values, positionals, io }) {
    checkArgCount(fsckCommand, positionals.length, 0);
    const lines = await storeFor(values, io).fsck({ repair: values.repair === true });
    for (const p of lines) io.stdout(p + "\n");
    return lines.some((p) => !p.startsWith("repaired: ")) ? 1 : 0;
  },
};

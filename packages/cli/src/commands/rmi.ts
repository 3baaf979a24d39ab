import { rootOption, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";

export const rmiCommand: Command = {
  name: "rmi",
  summary: "Remove one or more images",
  usage: "rmi [OPTIONS] IMAGE [IMAGE...]",
  options: {
    ...rootOption,
    force: { type: "boolean", short: "f" },
    "no-prune": { type: "boolean" },
  },
  async run({ values, positionals, io }) {
    checkArgCount(rmiCommand, positionals.length, 1, Infinity);
    const store = storeFor(values, io);
    const opts = { force: Boolean(values.force), prune: !values["no-prune"] };
    let failed = false;
    // As the docker CLI: every argument is tried; errors are reported together at the end.
    const errors: string[] = [];
    for (const name of positionals) {
      try {
        for (const line of await store.removeImage(name, opts)) io.stdout(line + "\n");
      } catch (e) {
        failed = true;
        errors.push((e as Error).message);
      }
    }
    if (errors.length) io.stderr(`Error: ${errors.join("\n")}\n`);
    return failed ? 1 : 0;
  },
};

import { describeImageRef, inspectImage } from "@tsbuild/store";
import { goIndentJSON, renderTemplate } from "@tsbuild/dockerfmt";
import { rootOption, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";

export const inspectCommand: Command = {
  name: "inspect",
  summary: "Return low-level information on images",
  usage: "inspect [OPTIONS] IMAGE [IMAGE...]",
  options: {
    ...rootOption,
    format: { type: "string", short: "f" },
  },
  async run({ values, positionals, io }) {
    checkArgCount(inspectCommand, positionals.length, 1, Infinity);
    const store = storeFor(values, io);
    const format = values.format as string | undefined;
    const found: Array<Record<string, unknown>> = [];
    const missing: string[] = [];
    for (const name of positionals) {
      const id = store.resolve(name);
      if (id) found.push(await inspectImage(store, id));
      else missing.push(name);
    }
    if (format) {
      for (const v of found) io.stdout(renderTemplate(format, v) + "\n");
    } else {
      io.stdout(found.length ? goIndentJSON(found) + "\n" : "[]\n");
    }
    for (const name of missing) io.stderr(`Error: No such image: ${describeImageRef(name)}\n`);
    return missing.length ? 1 : 0;
  },
};

import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { analyzeImage, renderExplanation, renderHtml } from "@tsbuild/explain";
import { loadImage } from "../stored-image.js";
import { rootOption, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";
import { terminalWidth, useColor } from "./terminal.js";

export const explainCommand: Command = {
  name: "explain",
  summary: "Explain why an image is the size it is, layer by layer",
  usage: "explain [OPTIONS] IMAGE",
  options: {
    ...rootOption,
    json: { type: "boolean" },
    html: { type: "string" },
    "no-color": { type: "boolean" },
  },
  async run({ values, positionals, io }) {
    checkArgCount(explainCommand, positionals.length, 1);
    const ref = positionals[0];
    const analysis = await analyzeImage(await loadImage(storeFor(values, io), ref));
    if (values.html !== undefined) {
      const file = resolve(io.cwd, values.html as string);
      writeFileSync(file, renderHtml(analysis, `tsbuild explain ${ref}`));
      if (!values.json) io.stderr(`Wrote ${file}\n`);
    }
    if (values.json) io.stdout(JSON.stringify(analysis, null, 2) + "\n");
    else io.stdout(renderExplanation(analysis, { color: useColor(values, io), width: terminalWidth(io) }));
    return 0;
  },
};

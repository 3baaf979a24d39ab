import { analyzeImage, diffImages, renderDiff } from "@tsbuild/explain";
import { loadImage } from "../stored-image.js";
import { rootOption, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";
import { terminalWidth } from "./terminal.js";

export const diffCommand: Command = {
  name: "diff",
  summary: "Compare two images layer by layer and explain their size difference",
  usage: "diff [OPTIONS] IMAGE_A IMAGE_B",
  options: { ...rootOption, json: { type: "boolean" } },
  async run({ values, positionals, io }) {
    checkArgCount(diffCommand, positionals.length, 2);
    const store = storeFor(values, io);
    const [a, b] = await Promise.all(positionals.map(async (ref) => analyzeImage(await loadImage(store, ref))));
    const d = diffImages(a, b);
    if (values.json) io.stdout(JSON.stringify({ a, b, diff: d }, null, 2) + "\n");
    else io.stdout(renderDiff(d, { nameA: positionals[0], nameB: positionals[1], width: terminalWidth(io) }));
    return 0;
  },
};

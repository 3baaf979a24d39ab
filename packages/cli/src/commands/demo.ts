import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildImage } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import { openStore } from "@tsbuild/store";
import { humanSize } from "@tsbuild/dockerfmt";
import { printExplanation } from "../stored-image.js";
import type { Command, Io } from "../command.js";
import { terminalWidth, useColor } from "./terminal.js";

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "examples");

/**
 * The README's first command: builds the apk build-deps example twice — add/build/del in three RUNs
 * and in one — from the built-in alpine:3.19, offline, and shows where the size difference lives.
 */
export const demoCommand: Command = {
  name: "demo",
  summary: "Build the apk-split and apk-single examples offline and compare their layers",
  usage: "demo [--root DIR] [--keep]",
  options: { root: { type: "string" }, keep: { type: "boolean" } },
  async run({ values, io }) {
    const root = (values.root as string | undefined) ?? mkdtempSync(join(tmpdir(), "tsbuild-demo-"));
    const store = openStore(root);
    try {
      const sizes: Record<string, number[]> = {};
      for (const name of ["apk-split", "apk-single"]) {
        io.stdout(`\n$ tsbuild build -t demo/${name} examples/${name}\n`);
        const context = await BuildContext.fromDirectory(join(EXAMPLES, name));
        const r = await buildImage({ store, context, tags: [`demo/${name}`], output: io.stdout });
        sizes[name] = await layerSizes(store, r.imageId);
      }
      io.stdout("\n" + summary(sizes) + "\n");
      io.stdout("\n$ tsbuild explain demo/apk-split\n");
      await printExplanation(store, "demo/apk-split", io.stdout, { files: 3, color: useColor({}, io), width: terminalWidth(io) });
      io.stdout(`The store is a Docker-layout tree under ${root}${values.root || values.keep ? "" : " (removed now; --keep or --root DIR keeps it)"}.\n`);
      return 0;
    } finally {
      if (!values.root && !values.keep) rmSync(root, { recursive: true, force: true });
    }
  },
};

async function layerSizes(store: ReturnType<typeof openStore>, id: string): Promise<number[]> {
  const layers = await store.getImage(id)!.layers();
  return Promise.all(layers.map((l) => l.size()));
}

function summary(sizes: Record<string, number[]>): string {
  const rows = Object.entries(sizes).map(([name, s]) => {
    const total = s.reduce((a, b) => a + b, 0);
    return `  ${name.padEnd(11)} ${String(s.length).padStart(6)}  ${humanSize(total).padStart(9)}   ${s.map((x) => humanSize(x)).join(" + ")}`;
  });
  const [split, single] = Object.values(sizes).map((s) => s.reduce((a, b) => a + b, 0));
  return [
    `  ${"IMAGE".padEnd(11)} ${"LAYERS".padStart(6)}  ${"SIZE".padStart(9)}   LAYER SIZES`,
    ...rows,
    "",
    `apk-split is ${humanSize(split - single)} larger: its layer 2 keeps the compilers that layer 4 deletes,`,
    "because a later layer can only hide files, never take bytes out of an earlier one.",
  ].join("\n");
}

export type { Io };

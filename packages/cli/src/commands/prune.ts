import { pruneCacheMounts, pruneImages } from "@tsbuild/store";
import { humanSize } from "@tsbuild/dockerfmt";
import { checkArgCount, rootOption, UsageError, type Command, type Io } from "../command.js";
import { storeFor } from "../store-root.js";

/** Docker's prompt: anything but y/Y (or a closed stdin) answers no. */
async function confirm(io: Io, warning: string): Promise<boolean> {
  io.stdout(`${warning}\nAre you sure you want to continue? [y/N] `);
  let line = "";
  for await (const chunk of io.stdin) {
    line += chunk.toString();
    if (line.includes("\n")) break;
  }
  return /^\s*y(es)?\s*$/i.test(line.split("\n")[0]!);
}

function pruneCommand(name: string, summary: string, what: (all: boolean) => string, heading: string, withAll: boolean): Command {
  return {
    name,
    summary,
    usage: `${name} [OPTIONS]`,
    options: { ...rootOption, force: { type: "boolean", short: "f" }, ...(withAll ? { all: { type: "boolean" as const, short: "a" } } : {}) },
    async run({ values, positionals, io }) {
      checkArgCount({ name, usage: `${name} [OPTIONS]` }, positionals.length, 0);
      const all = Boolean(values.all);
      if (!values.force && !(await confirm(io, what(all)))) return 0;
      const store = storeFor(values, io);
      const report = await pruneImages(store, { all });
      // builder prune also drops BuildKit's cache mounts, listed by their record ids as Docker lists them.
      if (name === "builder prune" && store.root) {
        for (const m of pruneCacheMounts(store.root)) {
          report.deleted.push(m.key.slice(0, 25));
          report.reclaimed += m.size;
        }
      }
      if (report.deleted.length) io.stdout(`${heading}:\n${report.deleted.join("\n")}\n\n`);
      io.stdout(`Total reclaimed space: ${humanSize(report.reclaimed)}\n`);
      return 0;
    },
  };
}

export const imagePruneCommand = pruneCommand(
  "image prune",
  "Remove unused images",
  (all) => (all ? "WARNING! This will remove all images without at least one container associated to them." : "WARNING! This will remove all dangling images."),
  "Deleted Images",
  true,
);

/**
 * The classic builder's cache is its intermediate images: what no tagged image builds on goes
 * (the untagged heads and the untagged parents they leave behind).
 */
export const builderPruneCommand = pruneCommand(
  "builder prune",
  "Remove build cache",
  () => "WARNING! This will remove all dangling build cache.",
  "Deleted build cache objects",
  false,
);

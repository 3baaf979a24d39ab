import { resolve } from "node:path";
import { ContentCache } from "@tsbuild/fetch";
import { defaultRoot } from "@tsbuild/store";
import { rootOption, UsageError, type Command } from "../command.js";

/** The content cache of RUN downloads (apt's indexes and packages, curl, wget): `<store root>/content`. */
export const cacheCommand: Command = {
  name: "cache",
  summary: "List or remove the downloads RUN steps keep for offline builds",
  usage: "cache ls | prune",
  options: { ...rootOption },
  async run({ values, positionals, io }) {
    const root = resolve(io.cwd, (values.root as string | undefined) ?? io.env.TSBUILD_ROOT ?? defaultRoot());
    const cache = new ContentCache(io.env.TSBUILD_CONTENT_DIR ?? `${root}/content`);
    switch (positionals[0]) {
      case "ls": {
        const rows = cache.list();
        io.stdout("DIGEST         SIZE        URL\n");
        for (const r of rows) io.stdout(`${r.sha256.slice(0, 12)}   ${String(r.size).padStart(10)}  ${r.url}\n`);
        return 0;
      }
      case "prune": {
        const freed = cache.prune();
        io.stdout(`Total reclaimed space: ${freed} B\n`);
        return 0;
      }
      default:
        throw new UsageError(`"tsbuild cache" requires ls or prune.\nSee 'tsbuild cache --help'.\n\nUsage:  tsbuild cache ls | prune`);
    }
  },
};

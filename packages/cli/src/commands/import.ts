import { createReadStream, statSync } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { importTar } from "@tsbuild/store";
import { rootOption, UsageError, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";

export const importCommand: Command = {
  name: "import",
  summary: "Import the contents from a tarball to create a filesystem image",
  usage: "import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
  options: {
    ...rootOption,
    message: { type: "string", short: "m" },
    change: { type: "string", short: "c", multiple: true },
  },
  async run({ values, positionals, io }) {
    checkArgCount(importCommand, positionals.length, 1, 2);
    if ((values.change as string[] | undefined)?.length) throw new UsageError("--change is not supported by tsbuild import");
    const [src, ref] = positionals;
    let tar: NodeJS.ReadableStream;
    // The docker CLI sends a file as "-", so only a URL is named in the history comment.
    let source = "-";
    if (src === "-") {
      tar = io.stdin;
    } else if (src.includes("://")) {
      source = src;
      tar = await download(src);
    } else {
      const path = resolve(io.cwd, src);
      try {
        statSync(path);
      } catch {
        throw new UsageError(`open ${path}: no such file or directory`);
      }
      tar = createReadStream(path);
    }
    const store = storeFor(values, io);
    const id = await importTar(store, tar, { ref, comment: values.message as string | undefined, source });
    io.stdout(id + "\n");
    return 0;
  },
};

async function download(url: string): Promise<NodeJS.ReadableStream> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new UsageError(`Get "${url}": ${(e as Error).message}`);
  }
  if (!res.ok || !res.body) throw new UsageError(`Get "${url}": ${res.status} ${res.statusText}`);
  return Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
}

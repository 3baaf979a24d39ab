import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { saveImages } from "@tsbuild/store";
import { rootOption, UsageError, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";

export const saveCommand: Command = {
  name: "save",
  summary: "Save one or more images to a tar archive (streamed to STDOUT by default)",
  usage: "save [OPTIONS] IMAGE [IMAGE...]",
  options: {
    ...rootOption,
    output: { type: "string", short: "o" },
  },
  async run({ values, positionals, io }) {
    checkArgCount(saveCommand, positionals.length, 1, Infinity);
    const store = storeFor(values, io);
    const output = values.output as string | undefined;
    if (!output) {
      if (io.isTTY) throw new UsageError("cowardly refusing to save to a terminal. Use the -o flag or redirect");
      // The archive is binary: it goes to the process's stdout stream, not the text sink.
      // Through a PassThrough: a failure mid-archive (a damaged layer) destroys that, not
      // process.stdout, whose stream error would surface as a stack trace after the message.
      const pass = new PassThrough();
      pass.pipe(process.stdout);
      await saveImages(store, positionals, pass);
      return 0;
    }
    // As the docker CLI: write beside the target, then rename, so a failure leaves no partial file.
    const target = resolve(io.cwd, output);
    const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString("hex")}.tmp`);
    const out = createWriteStream(tmp);
    // The file opens asynchronously: wait, or an early failure would remove it before it exists.
    await once(out, "open");
    try {
      await saveImages(store, positionals, out);
      await rename(tmp, target);
    } catch (e) {
      out.destroy();
      if (!out.closed) await once(out, "close");
      await rm(tmp, { force: true });
      throw e;
    }
    return 0;
  },
};

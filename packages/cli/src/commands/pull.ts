import { offlineFromEnv, pull, repositoryRef, RegistryError } from "@tsbuild/registry";
import { InvalidReferenceError } from "@tsbuild/store";
import { rootOption, UsageError, type Command } from "../command.js";
import { storeFor } from "../store-root.js";
import { LayerProgress } from "../layer-progress.js";

export const pullCommand: Command = {
  name: "pull",
  summary: "Pull an image from a registry",
  usage: "pull [OPTIONS] NAME[:TAG|@DIGEST]",
  options: {
    ...rootOption,
    platform: { type: "string" },
    quiet: { type: "boolean", short: "q" },
  },
  async run({ values, positionals, io }) {
    if (positionals.length !== 1) {
      throw new UsageError(`"tsbuild pull" requires exactly 1 argument.\nSee 'tsbuild pull --help'.\n\nUsage:  tsbuild pull [OPTIONS] NAME[:TAG|@DIGEST]`);
    }
    let ref;
    try {
      ref = repositoryRef(positionals[0]);
    } catch (e) {
      if (e instanceof InvalidReferenceError) throw new UsageError(e.message);
      throw e;
    }
    const quiet = Boolean(values.quiet);
    if (ref.tag === undefined && ref.digest === undefined && !quiet) io.stdout("Using default tag: latest\n");
    // On a terminal, Docker's in-place layer lines with progress bars; otherwise its plain lines.
    const tty = io.isTTY && !quiet ? new LayerProgress(io.stdout) : undefined;
    try {
      const r = await pull(storeFor(values, io), ref, {
        env: io.env,
        offline: offlineFromEnv(io.env),
        platform: values.platform as string | undefined,
        output: quiet ? undefined : (tty?.line ?? io.stdout),
        onBytes: tty?.bytes,
      });
      io.stdout(r.canonical + "\n");
      return 0;
    } catch (e) {
      if (e instanceof RegistryError) {
        io.stderr(`Error response from daemon: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};

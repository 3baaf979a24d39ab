import { offlineFromEnv, pull, RegistryError } from "@tsbuild/registry";
import { rootOption, type Command } from "../command.js";
import { storeFor } from "../store-root.js";
import { LayerProgress } from "../layer-progress.js";
import { repositoryArg } from "../repository-arg.js";

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
    const ref = repositoryArg("pull", "pull [OPTIONS] NAME[:TAG|@DIGEST]", positionals);
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

import { offlineFromEnv, push, RegistryError } from "@tsbuild/registry";
import { addPulledReferences } from "@tsbuild/store";
import { rootOption, type Command } from "../command.js";
import { storeFor } from "../store-root.js";
import { LayerProgress } from "../layer-progress.js";
import { repositoryArg } from "../repository-arg.js";

export const pushCommand: Command = {
  name: "push",
  summary: "Push an image to a registry",
  usage: "push [OPTIONS] NAME[:TAG]",
  options: {
    ...rootOption,
    quiet: { type: "boolean", short: "q" },
  },
  async run({ values, positionals, io }) {
    let ref = repositoryArg("push", "push [OPTIONS] NAME[:TAG]", positionals);
    const quiet = Boolean(values.quiet);
    if (ref.tag === undefined && ref.digest === undefined) {
      if (!quiet) io.stdout("Using default tag: latest\n");
      ref = { ...ref, tag: "latest" };
    }
    const store = storeFor(values, io);
    const local = `${ref.familiar}:${ref.tag ?? "latest"}`;
    const id = ref.digest === undefined ? store.resolve(local) : undefined;
    const image = id ? store.getImage(id) : undefined;
    if (!id || !image) {
      io.stderr(`Error response from daemon: An image does not exist locally with the tag: ${ref.familiar}\n`);
      return 1;
    }
    try {
      // On a terminal each layer keeps one line (Preparing → Pushed), as Docker draws it.
      const output = quiet ? undefined : io.isTTY ? new LayerProgress(io.stdout).line : io.stdout;
      const r = await push(image, ref, { env: io.env, offline: offlineFromEnv(io.env), store, output });
      // Docker records the pushed manifest's digest as a reference, as a pull does.
      await addPulledReferences(store, id, [`${ref.familiar}@${r.digest}`]);
      if (quiet) io.stdout(`${ref.familiar}:${r.tag}\n`);
      return 0;
    } catch (e) {
      if (e instanceof RegistryError) {
        io.stderr(`${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};

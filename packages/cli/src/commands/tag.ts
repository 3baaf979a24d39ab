import { describeImageRef, NoSuchImageError, parseNamed } from "@tsbuild/store";
import { rootOption, UsageError, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";

export const tagCommand: Command = {
  name: "tag",
  summary: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
  usage: "tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
  options: { ...rootOption },
  async run({ values, positionals, io }) {
    checkArgCount(tagCommand, positionals.length, 2);
    const [source, target] = positionals;
    try {
      parseNamed(target);
    } catch (e) {
      throw new UsageError(`Error parsing reference: "${target}" is not a valid repository/tag: ${(e as Error).message}`);
    }
    const store = storeFor(values, io);
    const id = store.resolve(source);
    if (!id) throw new NoSuchImageError(describeImageRef(source));
    await store.tag(target, id);
    return 0;
  },
};

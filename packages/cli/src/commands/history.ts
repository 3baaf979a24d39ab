import { describeImageRef, imageHistory, NoSuchImageError } from "@tsbuild/store";
import { ellipsis, humanDuration, humanSize, renderRows } from "@tsbuild/dockerfmt";
import { rootOption, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";

const HUMAN_FORMAT = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
const PLAIN_FORMAT = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
const HEADERS: Record<string, string> = {
  ID: "IMAGE", CreatedSince: "CREATED", CreatedAt: "CREATED AT", CreatedBy: "CREATED BY", Size: "SIZE", Comment: "COMMENT",
};

export const historyCommand: Command = {
  name: "history",
  summary: "Show the history of an image",
  usage: "history [OPTIONS] IMAGE",
  options: {
    ...rootOption,
    "no-trunc": { type: "boolean" },
    // Docker's bool flag, true unless written -H=false or --human=false.
    human: { type: "boolean", short: "H" },
    quiet: { type: "boolean", short: "q" },
    format: { type: "string" },
  },
  async run({ values, positionals, io }) {
    checkArgCount(historyCommand, positionals.length, 1);
    const human = values.human !== false;
    const noTrunc = Boolean(values["no-trunc"]);
    const store = storeFor(values, io);
    const id = store.resolve(positionals[0]);
    if (!id) throw new NoSuchImageError(describeImageRef(positionals[0]));
    const now = Date.now();
    const rows = (await imageHistory(store, id)).map((h) => {
      const createdAt = new Date(h.Created * 1000).toISOString().replace(/\.\d+Z$/, "Z");
      const createdBy = h.CreatedBy.replace(/\t/g, " ");
      return {
        ID: h.Id === "<missing>" || noTrunc ? h.Id : h.Id.slice(7, 19),
        CreatedSince: human ? humanDuration(now - h.Created * 1000) + " ago" : createdAt,
        CreatedAt: createdAt,
        CreatedBy: noTrunc ? createdBy : ellipsis(createdBy, 45),
        Size: human ? humanSize(h.Size) : String(h.Size),
        Comment: h.Comment,
      };
    });
    const format = values.quiet ? "{{.ID}}" : ((values.format as string | undefined) ?? (human ? HUMAN_FORMAT : PLAIN_FORMAT));
    io.stdout(renderRows(format, rows, HEADERS));
    return 0;
  },
};

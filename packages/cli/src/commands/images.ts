import { imageSummaries, parseNamed, type ImageSummary } from "@tsbuild/store";
import { humanDuration, humanSize, renderRows } from "@tsbuild/dockerfmt";
import { builtinNameOf } from "@tsbuild/builder";
import type { ImageStore } from "@tsbuild/store";
import { rootOption, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";

const DEFAULT_FORMAT = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
const HEADERS: Record<string, string> = {
  Repository: "REPOSITORY", Tag: "TAG", ID: "IMAGE ID", CreatedSince: "CREATED", CreatedAt: "CREATED AT",
  Size: "SIZE", Digest: "DIGEST", Containers: "CONTAINERS", Note: "NOTE",
};

export const imagesCommand: Command = {
  name: "images",
  summary: "List images",
  usage: "images [OPTIONS] [REPOSITORY[:TAG]]",
  options: {
    ...rootOption,
    all: { type: "boolean", short: "a" },
    quiet: { type: "boolean", short: "q" },
    "no-trunc": { type: "boolean" },
    format: { type: "string" },
    digests: { type: "boolean" },
  },
  async run({ values, positionals, io }) {
    checkArgCount(imagesCommand, positionals.length, 0, 1);
    const filter = positionals[0] ? parseNamed(positionals[0]) : undefined;
    const store = storeFor(values, io);
    const images = await imageSummaries(store, { all: Boolean(values.all) });
    const noTrunc = Boolean(values["no-trunc"]);
    const now = Date.now();
    const rows: Array<Record<string, unknown>> = [];
    for (const img of images) {
      for (const [repo, tag, digest] of withDigests(img, repoTags(img), Boolean(values.digests))) {
        if (filter && (repo !== filter.name || (filter.tag !== undefined && tag !== filter.tag))) continue;
        rows.push({
          Repository: repo,
          Tag: tag,
          ID: noTrunc ? img.Id : img.Id.slice(7, 19),
          CreatedSince: humanDuration(now - img.Created * 1000) + " ago",
          CreatedAt: new Date(img.Created * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " +0000 UTC"),
          Size: humanSize(img.Size),
          Digest: digest,
          Containers: "N/A",
          Note: await builtinNote(store, img.Id, `${repo}:${tag}`),
        });
      }
    }
    // Built-in simulated images are marked, in a column that only appears when one is listed.
    const base = values.digests ? DEFAULT_FORMAT.replace("{{.Tag}}\t", "{{.Tag}}\t{{.Digest}}\t") : DEFAULT_FORMAT;
    const marked = rows.some((r) => r.Note) ? base + "\t{{.Note}}" : base;
    const format = values.quiet ? "{{.ID}}" : ((values.format as string | undefined) ?? marked);
    io.stdout(renderRows(format, rows, HEADERS));
    return 0;
  },
};

async function builtinNote(store: ImageStore, id: string, ref: string): Promise<string> {
  const config = await store.getImage(id)?.config();
  return config && (await builtinNameOf(ref, config)) ? "built-in simulated image" : "";
}

/** One row per tag; an image with neither tags nor digests is `<none> <none>`. */
function repoTags(img: ImageSummary): Array<[string, string]> {
  if (img.RepoTags.length === 0) {
    if (img.RepoDigests.length === 0) return [["<none>", "<none>"]];
    return img.RepoDigests.map((d) => [d.slice(0, d.indexOf("@")), "<none>"]);
  }
  return img.RepoTags.map((t) => {
    const colon = t.lastIndexOf(":");
    return [t.slice(0, colon), t.slice(colon + 1)];
  });
}

/** `--digests`: a row per repository digest of the row's repository (docker/cli's image formatter), else `<none>`. */
function withDigests(img: ImageSummary, rows: Array<[string, string]>, expand: boolean): Array<[string, string, string]> {
  const out = new Map<string, [string, string, string]>();
  for (const [repo, tag] of rows) {
    const digests = expand ? img.RepoDigests.filter((d) => d.slice(0, d.indexOf("@")) === repo).map((d) => d.slice(d.indexOf("@") + 1)) : [];
    for (const d of digests.length ? digests : ["<none>"]) out.set(`${repo}\t${tag}\t${d}`, [repo, tag, d]);
  }
  return [...out.values()];
}

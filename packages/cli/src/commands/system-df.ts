import { diskUsage } from "@tsbuild/store";
import { humanSize, renderRows } from "@tsbuild/dockerfmt";
import { rootOption, type Command, checkArgCount } from "../command.js";
import { storeFor } from "../store-root.js";

const FORMAT = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
const HEADERS = { Type: "TYPE", TotalCount: "TOTAL", Active: "ACTIVE", Size: "SIZE", Reclaimable: "RECLAIMABLE" };

export const systemDfCommand: Command = {
  name: "system df",
  summary: "Show tsbuild disk usage",
  usage: "system df [OPTIONS]",
  options: { ...rootOption, format: { type: "string" } },
  async run({ values, positionals, io }) {
    checkArgCount(systemDfCommand, positionals.length, 0);
    const u = await diskUsage(storeFor(values, io));
    // docker/cli's formatter: a percentage beside the reclaimable size, except for the build cache.
    const pct = (r: number, size: number) => (size > 0 ? `${humanSize(r)} (${Math.floor((r * 100) / size)}%)` : humanSize(r));
    const rows = [
      { Type: "Images", TotalCount: u.images.total, Active: u.images.active, Size: humanSize(u.images.size), Reclaimable: pct(u.images.reclaimable, u.images.size) },
      { Type: "Containers", TotalCount: 0, Active: 0, Size: "0B", Reclaimable: "0B" },
      { Type: "Local Volumes", TotalCount: 0, Active: 0, Size: "0B", Reclaimable: "0B" },
      { Type: "Build Cache", TotalCount: u.buildCache.total, Active: u.buildCache.active, Size: humanSize(u.buildCache.size), Reclaimable: humanSize(u.buildCache.reclaimable) },
    ];
    io.stdout(renderRows((values.format as string | undefined) ?? FORMAT, rows, HEADERS));
    return 0;
  },
};

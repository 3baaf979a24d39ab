import { it } from "vitest";
import { join } from "node:path";
import { build } from "tsbuild";
it("sizes", async () => {
  for (const name of ["apk-split", "apk-single", "apt-split", "apt-single", "node-multistage", "cache-ordered", "cache-unordered"]) {
    const a = await build({ context: join("/work/main/examples", name), sourceDateEpoch: 1700000000 });
    const b = await build({ context: join("/work/main/examples", name), sourceDateEpoch: 1700000000 });
    console.log(name, a.layers.length, a.size, a.layers.map((l) => l.size).join(","), a.id === b.id, a.explain.wastedBytes ?? Object.keys(a.explain));
  }
}, 300000);

import { describe, expect, test } from "vitest";
import { writeTar } from "@tsbuild/archive";
import { emptyContainerConfig, imageFrom, layerFrom, serializeConfig, type BuildRecord, type HistoryEntry } from "@tsbuild/image";
import { explainImage, printExplanation } from "../src/index.js";

const entry = (name: string, size?: number) =>
  size === undefined ? { name, type: "dir" as const, mode: 0o755, uid: 0, gid: 0, mtime: 0 } : { name, type: "file" as const, mode: 0o644, uid: 0, gid: 0, mtime: 0, size };

/** An image made of parts alone (no store anywhere): a base layer and a layer deleting its big file. */
function image() {
  const tars = [writeTar([entry("etc"), entry("etc/big", 5000), entry("etc/small", 7)]), writeTar([entry("etc"), { ...entry("etc/.wh.big", 0), mode: 0o600 }])];
  const layers = tars.map((t) => layerFrom({ open: () => [t] }));
  return imageFrom({
    layers: () => layers,
    rawConfig: async () => {
      const history: HistoryEntry[] = [
        { created_by: "", comment: "Imported from -" },
        { created_by: "/bin/sh -c #(nop)  ENV A=1", empty_layer: true },
        { created_by: "/bin/sh -c rm /etc/big" },
      ];
      const diffIDs = await Promise.all(layers.map((l) => l.diffID()));
      return Buffer.from(
        serializeConfig({ architecture: "amd64", os: "linux", created: "2024-01-01T00:00:00Z", config: emptyContainerConfig(), history, rootfs: { type: "layers", diff_ids: diffIDs } }),
      );
    },
  });
}

const rm: BuildRecord = { dockerfile: "Dockerfile", line: 3, endLine: 3, text: "RUN rm /etc/big", kind: "RUN", stage: 0 };

describe("explain works from an Image and its records, with no store", () => {
  test("explainImage reads sizes, entries and labels from the Image", async () => {
    const img = image();
    const a = await explainImage(img);
    expect(a.imageId).toBe(await img.id());
    expect(a.wastedBytes).toBe(5000);
    expect(a.layers[1].label).toBe("layer 2 `RUN rm /etc/big`");
  });

  test("the records given label the layers", async () => {
    const a = await explainImage(image(), [undefined, undefined, rm]);
    expect(a.layers[1].label).toBe("Dockerfile:3 `RUN rm /etc/big`");
  });

  test("printExplanation writes the explanation and returns the analysis", async () => {
    let out = "";
    const a = await printExplanation(image(), [undefined, undefined, rm], (s) => (out += s), { width: 100 });
    expect(a.wastedBytes).toBe(5000);
    expect(out).toContain("wasted (tsbuild)        5kB (5000 B)");
    expect(out).toContain("deletes 1 path, 5kB that lower layers keep:");
    expect(out).toContain("Dockerfile:3");
  });
});

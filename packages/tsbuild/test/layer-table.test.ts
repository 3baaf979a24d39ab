import { beforeAll, describe, expect, it } from "vitest";
import { build, formatLayerTable, memoryStore, type BuiltImage } from "../src/index.js";
import { bases, BUSYBOX } from "./helpers.js";

let image: BuiltImage;
beforeAll(async () => {
  const store = memoryStore();
  await build({ context: { files: {} }, dockerfile: `FROM ${BUSYBOX}\nONBUILD RUN echo t > /t\n`, bases, store, tags: ["table-base"] });
  image = await build({
    context: { files: { "a.txt": "aaaa", "b.txt": "bb", "c.txt": "c", "d.txt": "" } },
    dockerfile: "FROM table-base\nCOPY . /data/\nRUN rm /data/a.txt /data/b.txt\nRUN echo a-very-long-instruction-text-that-goes-on-and-on-and-on-well-past-sixty > /x\n",
    store,
  });
});

describe("formatLayerTable", () => {
  it("lists index, size, hidden bytes, instruction and the largest files, one row per layer", () => {
    const lines = formatLayerTable(image).split("\n");
    expect(lines[0]).toMatch(/^ {2}LAYER +SIZE +HIDDEN +INSTRUCTION +TOP FILES$/);
    expect(lines).toHaveLength(1 + image.layers.length);
    expect(lines[1]).toMatch(/^ {2}0 +1\.98MB +- +\(base\) layer 0 +\/bin\/busybox 1\.98MB, \/etc\/passwd 82B, \/etc\/motd 33B, \+1 more$/);
    expect(lines[2]).toMatch(/^ {2}1 +2B +- +Dockerfile:1 ONBUILD RUN echo t > \/t +\/t 2B$/);
    expect(lines[3]).toMatch(/^ {2}2 +7B +6B +Dockerfile:2 COPY \. \/data\/ +\/data\/a\.txt 4B, \/data\/b\.txt 2B, \/data\/c\.txt 1B, \+1 more$/);
    expect(lines[4]).toMatch(/^ {2}3 +0B +- +Dockerfile:3 RUN rm \/data\/a\.txt \/data\/b\.txt +deletes \/data\/a\.txt, \/data\/b\.txt$/);
  });

  it("cuts long instructions and marks the layers asked for", () => {
    const lines = formatLayerTable(image, { mark: [2, 4], topFiles: 1, width: 30 }).split("\n");
    expect(lines[3]).toMatch(/^> 2 .* \/data\/a\.txt 4B, \+3 more$/);
    expect(lines[5]).toContain("> 4");
    expect(lines[5]).toContain("Dockerfile:4 RUN echo a-very-…");
    expect(lines.filter((l) => l.startsWith(">"))).toHaveLength(2);
  });
});

import { describe, expect, test } from "vitest";
import type { BuildRecord } from "@tsbuild/image";
import { analyzeImage, type AnalyzableImage } from "../src/index.js";
import { dockerImage, image } from "./helpers/cases.js";

// The layer sizes of c18 and c19 as Docker recorded them (expected.json), for the hand counts below.
const C18_LAYER2 = { installed: 38, virtual: 9, gcc: 1048576, make: 245760, stdio: 31744, libc: 2359296, libgcc: 90112, cc1: 3145728 };
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

function record(line: number, text: string, kind = text.split(" ")[0]): BuildRecord {
  return { dockerfile: "Dockerfile", line, endLine: line, text, kind, stage: 0 };
}

describe("analyzeImage on what Docker built", () => {
  test("c18: layer 2's 6.92MB are all hidden by layer 4, and the finding says so", async () => {
    const a = await analyzeImage(dockerImage("c18"));
    expect(a.layers.map((l) => l.size)).toEqual([1987267, 6921263, 6, 0]);
    expect(a.totalSize).toBe(1987267 + 6921263 + 6 + 0);
    // Every byte of layer 2 is deleted (7 whiteouts) or overwritten (/lib/apk/db/installed) by layer 4.
    expect(sum(C18_LAYER2)).toBe(6921263);
    expect(a.layers[1].hiddenBytes).toBe(6921263);
    expect(a.layers[1].hidden.every((h) => h.byLayer === 3)).toBe(true);
    expect(a.layers[1].hidden.find((h) => h.path === "/lib/apk/db/installed")).toMatchObject({ size: 38, how: "overwritten" });
    expect(a.layers[1].hidden.find((h) => h.path === "/usr/bin/gcc")).toMatchObject({ size: 1048576, how: "deleted" });
    expect(a.wastedBytes).toBe(6921263);
    expect(a.userWastedBytes).toBe(6921263);
    expect(a.baseLayers).toBe(1);
    expect(a.layers[3].deleted.map((d) => d.path)).toContain("/usr/libexec/gcc/x86_64-alpine-linux-musl/cc1");
    expect(a.layers[3].deleted[0]).toMatchObject({ path: "/usr/libexec/gcc/x86_64-alpine-linux-musl/cc1", previousSize: 3145728 });
    expect(a.layers[1].added.slice(0, 2).map((c) => [c.path, c.size])).toEqual([
      ["/usr/libexec/gcc/x86_64-alpine-linux-musl/cc1", 3145728],
      ["/usr/lib/libc.a", 2359296],
    ]);
    expect(a.findings).toHaveLength(1);
    const f = a.findings[0];
    expect(f).toMatchObject({ kind: "deleted-later", bytes: 6921263, layers: [1, 3] });
    expect(f.message).toMatch(/^layer 2 `RUN apk add … gcc make` adds 6\.92MB that layer 4 `RUN apk del \.build-deps` deletes /);
    expect(f.message).toContain("it also overwrites /lib/apk/db/installed");
    expect(f.message).toContain("the files stay in layer 2. Do the add, the build and the del in one RUN to save 6.92MB.");
  });

  test("c18 with build records names the Dockerfile lines", async () => {
    const img = dockerImage("c18");
    img.records = [
      undefined,
      record(2, "RUN apk add --no-cache --virtual .build-deps gcc make"),
      record(3, "RUN mkdir -p /usr/local/bin && echo built > /usr/local/bin/app"),
      record(4, "RUN apk del .build-deps"),
    ];
    const a = await analyzeImage(img);
    expect(a.layers[1].label).toBe("Dockerfile:2 `RUN apk add … gcc make`");
    expect(a.layers[1].record?.line).toBe(2);
    expect(a.findings[0].message).toMatch(/^Dockerfile:2 `RUN apk add … gcc make` adds 6\.92MB that Dockerfile:4 `RUN apk del \.build-deps` deletes/);
  });

  test("c19: the same packages in one RUN leave nothing behind", async () => {
    const a = await analyzeImage(dockerImage("c19"));
    expect(a.layers.map((l) => l.size)).toEqual([1987267, 6]);
    expect(a.wastedBytes).toBe(0);
    expect(a.dive.wastedBytes).toBe(0);
    expect(a.dive.efficiency).toBe(1);
    expect(a.findings).toEqual([]);
  });

  test("c10: a chmod copies the whole file into a new layer", async () => {
    const a = await analyzeImage(dockerImage("c10"));
    const chmod = a.layers[3];
    expect(chmod.modified).toEqual([{ path: "/bin/busybox", type: "file", size: 1982256, previousSize: 1982256, sameContent: true }]);
    const f = a.findings[0];
    expect(f).toMatchObject({ kind: "metadata-copy", bytes: 1982256, layers: [0, 3] });
    expect(f.message).toMatch(/^layer 4 `RUN chmod 4755 \/bin\/busybox` copies \/bin\/busybox \(1\.98MB\) whole into layer 4 only to change its mode/);
    // The identical rewrite of /etc/passwd is the same kind of waste, told apart in words.
    expect(a.findings.find((x) => x.layers.includes(4))?.message).toContain("rewrites /etc/passwd (82B) with identical content");
    // A chmod of the motd the previous RUN wrote: fix it there.
    expect(a.findings.find((x) => x.layers.includes(2))?.message).toContain("Do it in the step that creates it (layer 2 `RUN echo \"more\" >> /etc/motd`)");
    // Each fact once: the hidden motd copy is the metadata-copy finding, not also an "overwritten" one.
    expect(a.findings.map((x) => x.kind)).toEqual(["metadata-copy", "metadata-copy", "metadata-copy", "metadata-copy"]);
  });

  test("c24: a file copied twice, then moved by cp + rm", async () => {
    const a = await analyzeImage(dockerImage("c24"));
    const dup = a.findings.find((f) => f.kind === "duplicate-copy")!;
    expect(dup).toMatchObject({ bytes: 65536, layers: [1, 2] });
    expect(dup.message).toContain("both write /data/blob.bin: the first copy (65.5kB) stays in layer 2");
    const moved = a.findings.find((f) => f.kind === "deleted-later")!;
    expect(moved).toMatchObject({ bytes: 32768, layers: [2, 3] });
    expect(moved.message).toContain("stores the same bytes again as /data/copy.bin");
    expect(a.wastedBytes).toBe(65536 + 32768);
  });

  test("c20: a package cache deleted by a later RUN stays in the image", async () => {
    const a = await analyzeImage(dockerImage("c20"));
    const f = a.findings.find((x) => x.kind === "package-cache")!;
    // bash.apk, ca-certificates.apk and curl.apk, 4096 bytes each.
    expect(f).toMatchObject({ bytes: 3 * 4096, layers: [1, 2] });
    expect(f.message).toMatch(/^layer 3 `RUN rm -rf \/var\/cache\/apk\/\*` deletes apk's package cache in \/var\/cache\/apk \(12\.3kB, 3 files\)/);
    expect(f.message).toContain("use `apk add --no-cache` to save 12.3kB");
  });

  test("c25: dependency files first, sources after: no finding", async () => {
    const a = await analyzeImage(dockerImage("c25"));
    expect(a.findings).toEqual([]);
  });
});

describe("analyzeImage rules on made-up images", () => {
  test("a package cache the final image still has", async () => {
    const img = image(
      [[["bin/sh", 100]], ["var/", "var/lib/", "var/lib/apt/", "var/lib/apt/lists/", ["var/lib/apt/lists/deb.debian.org_Packages", 5000], ["usr/bin/curl", 300]]],
      [{ created_by: "" }, { created_by: "/bin/sh -c apt-get update && apt-get install -y curl" }],
    );
    const a = await analyzeImage(img);
    expect(a.findings).toHaveLength(1);
    expect(a.findings[0]).toMatchObject({ kind: "package-cache", bytes: 5000, layers: [1] });
    expect(a.findings[0].message).toContain("leaves apt's package lists in /var/lib/apt/lists (5kB, 1 file) in layer 2");
    // The advice used to be "end that RUN with `rm -rf …`", which breaks the next RUN's install.
    expect(a.findings[0].message).toContain("do the update, the install and the clean in one RUN (`RUN apt-get update && apt-get install -y … && rm -rf /var/lib/apt/lists/*`;");
  });

  test("COPY . before the dependency install breaks the cache; the c25 order does not", async () => {
    const history = [{ created_by: "" }, { created_by: "/bin/sh -c #(nop) COPY dir:abc in . " }, { created_by: "/bin/sh -c npm ci" }];
    const bad: AnalyzableImage = { ...image([[["bin/sh", 1]], [["app/index.js", 10]], [["app/node_modules/x.js", 20]]], history) };
    bad.records = [undefined, record(3, "COPY . ."), record(4, "RUN npm ci")];
    const a = await analyzeImage(bad);
    const f = a.findings.find((x) => x.kind === "cache-order")!;
    expect(f).toMatchObject({ bytes: 0, layers: [1, 2] });
    expect(f.message).toMatch(/^Dockerfile:3 `COPY \. \.` copies the whole build context before Dockerfile:4 `RUN npm ci` installs dependencies/);
    expect(f.message).toContain("COPY only package.json and package-lock.json first");

    const good = { ...bad, records: [undefined, record(3, "COPY package.json package-lock.json ./"), record(4, "RUN npm ci")] };
    expect((await analyzeImage(good)).findings.filter((x) => x.kind === "cache-order")).toEqual([]);
  });

  test("the same bytes copied by two COPY steps", async () => {
    const history = [{ created_by: "" }, { created_by: "/bin/sh -c #(nop) COPY file:aa in /a/app.jar " }, { created_by: "/bin/sh -c #(nop) COPY file:aa in /b/app.jar " }];
    const a = await analyzeImage(image([[["bin/sh", 1]], [["a/app.jar", 7000, "same"]], [["b/app.jar", 7000, "same"]]], history));
    expect(a.findings).toHaveLength(1);
    expect(a.findings[0]).toMatchObject({ kind: "duplicate-copy", bytes: 7000, layers: [1, 2] });
    expect(a.findings[0].message).toContain("copies /b/app.jar (7kB), the same bytes that layer 2");
  });

  test("an opaque directory hides everything below it", async () => {
    const a = await analyzeImage(image([["d/", ["d/a", 10], "d/sub/", ["d/sub/b", 20]], ["d/", ["d/.wh..wh..opq", 0], ["d/c", 5]]]));
    expect(a.layers[0].hidden.map((h) => [h.path, h.size, h.how, h.byLayer])).toEqual([
      ["/d/sub/b", 20, "deleted", 1],
      ["/d/a", 10, "deleted", 1],
    ]);
    expect(a.layers[1].deleted.map((d) => [d.path, d.previousSize])).toEqual([["/d/sub", 20], ["/d/a", 10]]);
    expect(a.layers[1].added.map((c) => c.path)).toEqual(["/d/c"]);
  });

  test("a directory replaced by a file: everything under it is hidden", async () => {
    const a = await analyzeImage(image([["x/", ["x/big", 100]], [["x", 3]]]));
    expect(a.layers[0].hidden).toEqual([{ path: "/x/big", size: 100, byLayer: 1, how: "overwritten" }]);
    expect(a.layers[1].modified).toEqual([{ path: "/x", type: "file", size: 3, previousSize: 100 }]);
    expect(a.wastedBytes).toBe(100);
  });

  test("base layers come from the records: waste entirely inside them is not the user's", async () => {
    // Two base layers (no records), the second overwriting the first; one user layer.
    const img = image([[["etc/conf", 50]], [["etc/conf", 60]], [["app", 5]]]);
    img.records = [undefined, undefined, record(2, "COPY app /app")];
    const a = await analyzeImage(img);
    expect(a.baseLayers).toBe(2);
    expect(a.layers.map((l) => l.base)).toEqual([true, true, false]);
    expect(a.wastedBytes).toBe(50);
    expect(a.userWastedBytes).toBe(0);
    expect(a.findings).toEqual([]);
  });

  test("history entries without layers are skipped when matching layers to steps", async () => {
    const history = [{ created_by: "" }, { created_by: "/bin/sh -c #(nop)  ENV A=1", empty_layer: true }, { created_by: "/bin/sh -c touch /x" }];
    const a = await analyzeImage(image([[["bin/sh", 1]], [["x", 0]]], history));
    expect(a.layers[1]).toMatchObject({ historyIndex: 2, instruction: "RUN", text: "RUN touch /x", label: "layer 2 `RUN touch /x`" });
  });
});

import { describe, expect, test } from "vitest";
import type { LayerEntry } from "@tsbuild/image";
import { analyzeImage, diveFigures } from "../src/index.js";
import { dockerImage, image } from "./helpers/cases.js";

const entriesOf = async (img: ReturnType<typeof image>) => Promise.all(img.layers.map((l) => l.entries()));

describe("dive's figures", () => {
  test("dive's own TestEfficiency: score 0.75, one inefficient path of 7000 bytes", async () => {
    // dive/filetree/efficiency_test.go: /etc/nginx is only an intermediate node (no tar entry of
    // its own), so dive does not see it as a directory and its whiteout weighs 0.
    const layers = await entriesOf(
      image([
        [["etc/nginx/nginx.conf", 2000], ["etc/nginx/public", 3000]],
        [["etc/nginx/nginx.conf", 5000], ["etc/athing", 10000]],
        [["etc/.wh.nginx", 0]],
      ]),
    );
    const d = diveFigures(layers);
    // minimum 2000+3000+10000+0 = 15000 over cumulative 7000+3000+10000+0 = 20000.
    expect(d.efficiency).toBe(0.75);
    expect(d.inefficiencies).toEqual([{ path: "/etc/nginx/nginx.conf", count: 2, cumulativeSize: 7000 }]);
    expect(d.wastedBytes).toBe(7000);
  });

  test("a whiteout of a real directory weighs what the directory held below it", async () => {
    const layers = await entriesOf(
      image([
        ["etc/", "etc/nginx/", ["etc/nginx/nginx.conf", 2000], ["etc/nginx/public", 3000]],
        // Docker writes every parent directory; without "etc/nginx/" here, dive's stacking would
        // replace the directory's payload with an empty one and the whiteout would weigh 0 again.
        ["etc/", "etc/nginx/", ["etc/nginx/nginx.conf", 5000], ["etc/athing", 10000]],
        ["etc/", ["etc/.wh.nginx", 0]],
      ]),
    );
    const d = diveFigures(layers);
    // /etc/nginx's whiteout = 0 (dir) + 5000 + 3000 in the stacked layers below: one node, 8000.
    expect(d.efficiency).toBe((2000 + 3000 + 10000 + 8000) / (7000 + 3000 + 10000 + 8000));
  });

  test("dive's TestEfficiency_ScratchImage: nothing to compare scores 1", async () => {
    const d = diveFigures(await entriesOf(image([[["nothing", 0]], [], []])));
    expect(d.efficiency).toBe(1);
    expect(d.inefficiencies).toEqual([]);
    // No user bytes: dive divides 0 by 0.
    expect(d.userWastedPercent).toBeNaN();
  });

  test("c18 (split apk add/del, as Docker built it), by hand from expected.json", async () => {
    const img = dockerImage("c18");
    const layers = await Promise.all(img.layers.map((l) => l.entries()));
    // dive's layer size is the tar header sizes: regular files only. Layer 1's Docker size 1987267
    // includes 1862 bytes of symlink targets, so dive sees 1985405.
    const symlinkBytes = layers[0].filter((e) => e.type === "symlink").reduce((n, e) => n + e.linkname!.length, 0);
    expect(symlinkBytes).toBe(1862);
    expect(1987267 - symlinkBytes).toBe(1985405);
    const d = diveFigures(layers);
    // Paths in 2+ layers: the 8 files of layer 2 (all deleted or overwritten in layer 4, whiteouts
    // weigh 0) and /lib/apk/db/installed (0 in the base, 38, 0): 6921263 bytes.
    expect(d.wastedBytes).toBe(38 + 9 + 1048576 + 245760 + 31744 + 2359296 + 90112 + 3145728);
    expect(d.wastedBytes).toBe(6921263);
    expect(d.sizeBytes).toBe(1985405 + 6921263 + 6 + 0);
    expect(d.userSizeBytes).toBe(6921263 + 6);
    expect(d.userWastedPercent).toBe(6921263 / 6921269);
    // minimum per path: the base's files, 0 for everything layer 2 added, 6 for /usr/local/bin/app.
    expect(d.efficiency).toBe((1985405 + 6) / (1985405 + 6921263 + 6));
  });

  test("c10 (chmod and rewrites): dive counts the kept copy too, tsbuild does not", async () => {
    const a = await analyzeImage(dockerImage("c10"));
    // dive: busybox 2×1982256, passwd 2×82, motd 33+38+38, group 2×27.
    expect(a.dive.wastedBytes).toBe(2 * 1982256 + 2 * 82 + (33 + 38 + 38) + 2 * 27);
    // tsbuild: only the copies nobody sees: the base's busybox, passwd, motd, group and layer 2's motd.
    expect(a.wastedBytes).toBe(1982256 + 82 + 33 + 38 + 27);
    // dive's layer 1 is its 1982398 bytes of regular files; every other path appears once.
    expect(a.dive.efficiency).toBe(1982398 / (1982398 + 38 + 38 + 1982256 + 82 + 27));
  });

  test("a whiteout of a path no layer below has stops dive's walk of that layer (dive logs the error)", async () => {
    // Names are walked in byte order: ".wh.missing" comes before "b", so "b" is never counted,
    // and /missing is registered with dive's initial minimum of -1.
    const layers: LayerEntry[][] = [
      [{ path: "a", type: "file", mode: "0644", uid: 0, gid: 0, size: 10 }],
      [
        { path: ".wh.missing", type: "file", mode: "0600", uid: 0, gid: 0, size: 0 },
        { path: "b", type: "file", mode: "0644", uid: 0, gid: 0, size: 5 },
      ],
    ];
    const d = diveFigures(layers);
    expect(d.efficiency).toBe((10 - 1) / 10);
    expect(d.userSizeBytes).toBe(5);
  });

  test("deleting a whole directory is invisible to dive's wasted bytes and efficiency; tsbuild counts it", async () => {
    // The directory is no leaf below and its whiteout is its only node: no path is in two layers.
    const img = image([["d/", ["d/a", 100]], [[".wh.d", 0]]]);
    const d = diveFigures(await entriesOf(img));
    expect(d.wastedBytes).toBe(0);
    expect(d.efficiency).toBe(1);
    expect((await analyzeImage(img)).wastedBytes).toBe(100);
  });

  test("opaque directory markers never enter dive's trees", async () => {
    const layers = await entriesOf(image([["d/", ["d/a", 10]], ["d/", ["d/.wh..wh..opq", 0], ["d/b", 4]]]));
    const d = diveFigures(layers);
    // d/a is hidden for overlay2 but dive does not know: no path is in two layers as a leaf.
    expect(d.wastedBytes).toBe(0);
    expect(d.efficiency).toBe(1);
  });
});

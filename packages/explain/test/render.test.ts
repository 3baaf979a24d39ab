import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, onTestFinished, test } from "vitest";
import { analyzeImage, diffImages, renderDiff, renderExplanation, renderHtml } from "../src/index.js";
import { CHROMIUM, dumpDom, screenshot } from "./helpers/chromium.js";
import { dockerImage, image } from "./helpers/cases.js";

describe("renderExplanation", () => {
  test("c18: the table, each layer's files, the totals and the finding, with numbers to add up by hand", async () => {
    const text = renderExplanation(await analyzeImage(dockerImage("c18")));
    const lines = text.split("\n");
    expect(lines[0]).toBe("Image: 8.91MB (8908536 B) in 4 layers (layers counted from 1 at the bottom)");
    expect(lines).toContain("2  6.92MB  6921263  6.92MB  layer 2 `RUN apk add … gcc make`");
    expect(lines).toContain("      3.15MB  /usr/libexec/gcc/x86_64-alpine-linux-musl/cc1  (deleted by layer 4)");
    expect(lines).toContain("  6.92MB (6921263 B) of this layer is hidden by later layers:");
    expect(lines).toContain("  wasted (tsbuild)        6.92MB (6921263 B): copies no one sees (hidden by a later layer)");
    expect(lines).toContain("  dive efficiency         22.29 %");
    expect(text).toMatch(/Findings\n 1\. layer 2 `RUN apk add … gcc make` adds 6\.92MB/);
    expect(text).not.toContain("\x1b[");
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(100);
  });

  test("colour only when asked; width is honoured", async () => {
    const a = await analyzeImage(dockerImage("c18"));
    expect(renderExplanation(a, { color: true })).toContain("\x1b[31m");
    const narrow = renderExplanation(a, { width: 60 }).split("\n");
    expect(Math.max(...narrow.map((l) => [...l].length))).toBeLessThanOrEqual(60);
  });

  test("no findings is said", async () => {
    expect(renderExplanation(await analyzeImage(dockerImage("c19")))).toContain("Findings: none");
  });
});

describe("diffImages", () => {
  test("c18 vs c19: the whole difference is hidden bytes; the files shown are the same", async () => {
    const split = await analyzeImage(dockerImage("c18"));
    const single = await analyzeImage(dockerImage("c19"));
    const d = diffImages(split, single);
    // 1987273 − 8908536: layer 2 of c18 (6921263) minus what c19's single RUN adds beyond c18's layers 3 and 4 (6 − 6 − 0).
    expect(d.sizeDifference).toBe(1987273 - 8908536);
    expect(d.wastedDifference).toBe(-6921263);
    expect(d.visibleDifference).toBe(0);
    expect(d.sharedLayers).toBe(1);
    expect(d.rows.map((r) => [r.a?.size, r.b?.size, r.same])).toEqual([
      [1987267, 1987267, true],
      [6921263, 6, false],
      [6, undefined, false],
      [0, undefined, false],
    ]);
    // The only file whose visible bytes differ: the apk database, 0 bytes in both finals.
    expect(d.files).toEqual([]);
    expect(d.explanation[0]).toBe("B is 6.92MB (6921263 B) smaller than A: 8.91MB → 1.99MB.");
    expect(d.explanation[2]).toBe("Copies no one sees (hidden by a later layer): A 6.92MB, B 0B: 6.92MB (6921263 B) of the difference.");
    expect(d.explanation[4]).toMatch(/^In A: layer 2 `RUN apk add … gcc make` adds 6\.92MB that layer 4/);

    const text = renderDiff(d, { nameA: "c18", nameB: "c19" });
    expect(text).toContain("1  =  1.99MB  -       1.99MB  -       layer 1 (Imported from -)");
    expect(text).toContain("2     6.92MB  6.92MB  6B      -       A: layer 2 `RUN apk add … gcc make`");
    expect(text).toContain("  hidden          6.92MB         0B             −6.92MB");
  });

  test("files that differ are listed, largest difference first", async () => {
    const a = await analyzeImage(image([[["bin/sh", 1]], [["app/a", 100], ["app/b", 5]]]));
    const b = await analyzeImage(image([[["bin/sh", 1]], [["app/a", 40], ["app/c", 9]]]));
    const d = diffImages(a, b);
    expect(d.files).toEqual([{ path: "/app/a", a: 100, b: 40 }, { path: "/app/c", b: 9 }, { path: "/app/b", a: 5 }]);
    expect(d.visibleDifference).toBe(49 - 105);
  });
});

describe("renderHtml", () => {
  test("one self-contained page: inline style and SVG, nothing fetched, text escaped", async () => {
    const img = image([[["bin/sh", 1]], [["x", 5]]], [{ created_by: "" }, { created_by: '/bin/sh -c echo "<b>&" > /x' }]);
    const html = renderHtml(await analyzeImage(img), "a <title>");
    expect(html).toMatch(/^<!DOCTYPE html>/);
    // Scripts are inline now (the layer browser); nothing may be fetched.
    expect(html).not.toMatch(/<script[^>]* src=|<link|@import|url\(http/i);
    expect(html).toContain("<title>a &lt;title&gt;</title>");
    expect(html).toContain("echo &quot;&lt;b&gt;&amp;&quot;");
  });

  test.skipIf(!CHROMIUM)("Chromium shows c18's wasted layer marked and c19 without any", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbuild-explain-html-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const pages = {
      c18: renderHtml(await analyzeImage(dockerImage("c18")), "c18 split"),
      c19: renderHtml(await analyzeImage(dockerImage("c19")), "c19 single"),
    };
    const seen: Record<string, { dom: string; wastedPixels: number; keptPixels: number }> = {};
    for (const [name, html] of Object.entries(pages)) {
      const file = join(dir, `${name}.html`);
      writeFileSync(file, html);
      const png = join(dir, `${name}.png`);
      screenshot(file, png);
      seen[name] = { dom: dumpDom(file), ...countPixels(readFileSync(png)) };
    }
    const dom = seen.c18.dom;
    // What the chart says, as the browser built it.
    expect(dom).toContain("2 · layer 2 `RUN apk add … gcc make` — 6.92MB");
    expect(dom).toMatch(/<text class="hidden-label"[^>]*>6\.92MB hidden<\/text>/);
    expect(dom).toMatch(/<g class="layer" data-index="1" data-size="6921263" data-hidden="6921263">/);
    expect(dom).toMatch(/<td class="n" id="wasted">6\.92MB<\/td>/);
    expect(dom).toContain("Do the add, the build and the del in one RUN to save 6.92MB.");
    expect(seen.c19.dom).toContain("No findings.");
    // What it paints: c18's hatched red bar fills the chart's width; c19 has no red bar.
    expect(seen.c18.wastedPixels).toBeGreaterThan(5000);
    expect(seen.c19.wastedPixels).toBeLessThan(400); // the legend's swatch only
    expect(seen.c19.keptPixels).toBeGreaterThan(5000);
  });
});

/** Pixels of the chart's two fills: blue (#4a78c2, bytes shown) and the red hatch (#f3c1c8 / #b00020, wasted). */
function countPixels(pngBytes: Buffer): { wastedPixels: number; keptPixels: number } {
  const png = PNG.sync.read(pngBytes);
  let wastedPixels = 0;
  let keptPixels = 0;
  const near = (i: number, [r, g, b]: number[]) => Math.abs(png.data[i] - r) + Math.abs(png.data[i + 1] - g) + Math.abs(png.data[i + 2] - b) < 30;
  for (let i = 0; i < png.data.length; i += 4) {
    if (near(i, [0x4a, 0x78, 0xc2])) keptPixels++;
    else if (near(i, [0xf3, 0xc1, 0xc8]) || near(i, [0xb0, 0x00, 0x20])) wastedPixels++;
  }
  return { wastedPixels, keptPixels };
}

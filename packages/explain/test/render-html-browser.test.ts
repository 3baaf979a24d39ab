/**
 * The HTML report as a user meets it: opened in headless Chromium (Debian's, driven by
 * playwright-core), clicked, filtered, read back from the page.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { analyzeImage, renderHtml } from "../src/index.js";
import { CHROMIUM } from "./helpers/chromium.js";
import { image } from "./helpers/cases.js";

if (!CHROMIUM) console.warn("render-html-browser.test: SKIPPED — no chromium at /usr/bin/chromium (apt-get install chromium)");

let dir = "";
let browser: BrowserContext | undefined;

beforeAll(async () => {
  if (!CHROMIUM) return;
  dir = mkdtempSync(join(tmpdir(), "tsbuild-html-"));
  // A fresh profile each run (playwright passes it to Chromium as --user-data-dir).
  browser = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(html: string, name: string): Promise<Page> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser!.newPage();
  const requests: string[] = [];
  page.on("request", (r) => { if (!r.url().startsWith("file:")) requests.push(r.url()); });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto("file://" + file);
  expect(errors).toEqual([]);
  expect(requests).toEqual([]); // self-contained: nothing fetched
  return page;
}

const rows = (page: Page) =>
  page.$$eval("#tree .row", (els) => els.map((e) => [e.querySelector(".mark")!.textContent!.trim(), e.querySelector(".size")!.textContent, e.querySelector(".name")!.textContent].join(" ").trim()));

describe.skipIf(!CHROMIUM)("explain --html in Chromium", () => {
  test("click a layer, expand a directory, filter, show only changes, follow a wasted path", async () => {
    const img = image(
      [
        ["bin/", ["bin/sh", 1000], "etc/", ["etc/passwd", 100]],
        ["app/", ["app/big.tar", 5_000_000], ["app/run.sh", 20], "etc/", ["etc/passwd", 120, "new"]],
        ["app/", ["app/.wh.big.tar", 0], ["app/big.tar", 5_000_000, "again"]],
      ],
      [{ created_by: "" }, { created_by: "/bin/sh -c make app" }, { created_by: "/bin/sh -c repack" }],
    );
    const page = await open(renderHtml(await analyzeImage(img), "demo <image>"), "demo");
    expect(await page.textContent("#tree-title")).toMatch(/^Layer 1 · \(base\)|^Layer 1 · /);
    expect(await rows(page)).toEqual(["1.1kB /", "A 1kB bin/", "A 100B etc/"]);

    await page.click("#layers-list li[data-index='1']");
    expect(await page.textContent("#tree-title")).toMatch(/^Layer 2 · .*make app.* — 5MB · 3 added, 1 modified, 0 removed$/);
    expect(await rows(page)).toEqual(["5MB /", "A 5MB app/", "1kB bin/", "120B etc/"]);
    await page.click("#tree .row[data-path='/app']");
    expect(await rows(page)).toEqual(["5MB /", "A 5MB app/", "A 5MB big.tar", "A 20B run.sh", "1kB bin/", "120B etc/"]);
    await page.click("#tree .row[data-path='/etc']");
    expect(await rows(page)).toContain("M 120B passwd");

    await page.check("#only-changes");
    expect(await rows(page)).toEqual(["5MB /", "A 5MB app/", "A 5MB big.tar", "A 20B run.sh", "120B etc/", "M 120B passwd"]);
    await page.uncheck("#only-changes");
    await page.fill("#filter", "passwd");
    expect(await rows(page)).toEqual(["5MB /", "120B etc/", "M 120B passwd"]);
    expect(await page.textContent("#tree-status")).toContain("1 match");
    await page.fill("#filter", "");

    await page.click("#tree .row[data-path='/app']"); // collapse
    expect(await rows(page)).not.toContain("A 5MB big.tar");

    // dive's wasted list: big.tar is in two layers; its link opens the first copy's layer at that file.
    expect(await page.textContent("#wasted-list")).toContain("/app/big.tar");
    await page.click("#wasted-list a.wasted-path");
    expect(await page.$eval("#layers-list li.selected", (e) => e.getAttribute("data-index"))).toBe("1");
    expect(await page.$eval("#tree .focus", (e) => e.getAttribute("data-path"))).toBe("/app/big.tar");

    await page.click("#layers-list li[data-index='2']"); // /app stays open from the wasted link
    const top = await rows(page);
    // Deleted (a whiteout) and written again in the same layer: the file is shown as this layer's.
    expect(top).toEqual(["5MB /", "5MB app/", "A 5MB big.tar", "20B run.sh", "1kB bin/", "120B etc/", "120B passwd"]);
    expect(await page.textContent("#tree-title")).toMatch(/RUN repack` — 5MB · 1 added, 0 modified, 1 removed$/);
  }, 60_000);

  test("a 50k-file image: only what is expanded or matched is in the page", async () => {
    const files: Array<string | [string, number]> = [];
    for (let d = 0; d < 250; d++) {
      files.push(`usr/lib/pkg${d}/`);
      for (let f = 0; f < 200; f++) files.push([`usr/lib/pkg${d}/file${f}.so`, 100 + f]);
    }
    const img = image([["usr/", "usr/lib/"], files, [["usr/lib/pkg7/.wh.file3.so", 0]]]);
    const page = await open(renderHtml(await analyzeImage(img), "big"), "big");
    await page.click("#layers-list li[data-index='1']");
    expect(await page.textContent("#tree-title")).toContain("50250 added");
    expect(await page.$$eval("#tree .row", (r) => r.length)).toBe(2); // "/" and "usr/": the rest waits to be opened
    await page.fill("#filter", "pkg42/file19");
    expect(await rows(page)).toEqual(["9.97MB /", "9.97MB usr/", "9.97MB lib/", "A 39.9kB pkg42/", "A 119B file19.so", "A 290B file190.so", "A 291B file191.so", "A 292B file192.so", "A 293B file193.so", "A 294B file194.so", "A 295B file195.so", "A 296B file196.so", "A 297B file197.so", "A 298B file198.so", "A 299B file199.so"]);
    await page.fill("#filter", "");
    await page.click("#layers-list li[data-index='2']");
    await page.check("#only-changes");
    expect(await rows(page)).toEqual(["9.97MB /", "9.97MB usr/", "9.97MB lib/", "39.8kB pkg7/", "D 103B file3.so"]);
  }, 120_000);
});

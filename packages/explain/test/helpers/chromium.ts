import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's chromium, when installed (`apt-get install -y chromium`). */
export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

if (!CHROMIUM) {
  // Loud on purpose: the HTML test is skipped, and a green run must not hide that.
  console.warn("\n*** chromium is not installed: the HTML rendering test is SKIPPED (apt-get install -y chromium) ***\n");
}

// The flags this machine needs: no sandbox as root, and no background traffic to a closed network.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Opens a file in headless Chromium and returns the DOM it built (what a reader's browser shows). */
export function dumpDom(file: string): string {
  return withProfile((profile) =>
    execFileSync(CHROMIUM!, [...FLAGS, `--user-data-dir=${profile}`, "--dump-dom", `file://${file}`], { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "ignore"] }),
  );
}

/** A PNG of the page as Chromium paints it. */
export function screenshot(file: string, png: string, width = 960, height = 900): void {
  withProfile((profile) =>
    execFileSync(CHROMIUM!, [...FLAGS, `--user-data-dir=${profile}`, `--window-size=${width},${height}`, `--screenshot=${png}`, `file://${file}`], { timeout: 60_000, stdio: "ignore" }),
  );
}

function withProfile<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "explain-chromium-"));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

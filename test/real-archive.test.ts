import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { build } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import { reachable } from "@tsbuild/fetch";
import { importTar, memoryStore } from "@tsbuild/store";

/**
 * The real Debian archive, end to end: a real bookworm root file system (DEBIAN_ROOTFS_TAR, made by
 * ../shared/realworld/make-debian-rootfs.sh), apt-get update/install against the archive this
 * machine's apt uses, then the same build offline from the content cache, byte for byte.
 * Skips (loudly) without the tar or the archive: CI has neither.
 */
const ROOTFS = process.env.DEBIAN_ROOTFS_TAR ?? "/work/refs/debian-bookworm-rootfs.tar";

function mirror(): string | undefined {
  const dir = "/etc/apt/sources.list.d";
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".sources")).sort()) {
      const m = /^URIs:\s*(\S+)/m.exec(readFileSync(join(dir, f), "utf8"));
      if (m) return m[1];
    }
  }
  return undefined;
}

const url = mirror();
const ready = existsSync(ROOTFS) && url !== undefined && (await reachable(`${url}/dists/bookworm/InRelease`));
if (!ready) console.warn(`SKIPPED: real-archive test needs ${ROOTFS} and a reachable Debian archive (from this machine's apt sources)`);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!ready)("apt-get against the real Debian archive", () => {
  it("installs curl with the real bytes, and builds the same layer again offline from the cache", async () => {
    const content = mkdtempSync(join(tmpdir(), "tsbuild-realarchive-"));
    const ctxDir = mkdtempSync(join(tmpdir(), "tsbuild-realarchive-ctx-"));
    dirs.push(content, ctxDir);
    writeFileSync(join(ctxDir, "Dockerfile"), "FROM real/debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*\n");
    const once = async (offline: boolean) => {
      const store = memoryStore();
      await importTar(store, readFileSync(ROOTFS), { ref: "real/debian:bookworm" });
      const r = await build({ store, context: await BuildContext.fromDirectory(ctxDir), contentDir: content, offline, sourceDateEpoch: 1700000000 });
      const config = await store.getImage(r.imageId)!.config();
      return config.rootfs.diff_ids.at(-1);
    };
    const online = await once(false);
    const offline = await once(true);
    expect(offline).toBe(online);
    const cached = readdirSync(join(content, "urls")).length;
    expect(cached).toBeGreaterThan(18); // InRelease, Translation-en and the 18 .debs
  }, 300_000);
});

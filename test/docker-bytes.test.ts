import { afterAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import { importTar, memoryStore } from "@tsbuild/store";


/**
 * Layer tars byte for byte: c26's context with every mtime set to 1600000000, built by the real
 * Docker 20.10.24 classic builder on overlay2 on this project's machine, gave these diffIDs. A
 * diffID is the sha256 of the whole tar, so equal IDs mean equal bytes: headers, names, owners,
 * uname/gname, order, padding.
 */
const DOCKER = {
  copyHello: "sha256:2328b987c0b2c8c624efdd61c5a1f45caaddc7d7dca884ae75d30fc13cbda74a",
  copyRootfs: "sha256:666bba779b904c9dbc8ecdc3481b73183a9fdecbb930b004119868b1c039443e",
};

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function contextDir(dockerfile: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tsbuild-bytes-"));
  made.push(dir);
  cpSync(join(import.meta.dirname, "conformance/cases/c26-scratch/context"), dir, { recursive: true });
  writeFileSync(join(dir, "Dockerfile"), dockerfile);
  const stamp = (p: string) => {
    if (statSync(p).isDirectory()) for (const n of readdirSync(p)) stamp(join(p, n));
    utimesSync(p, 1600000000, 1600000000);
  };
  stamp(dir);
  return dir;
}

describe("layer tars are Docker's, byte for byte, given the same mtimes", () => {
  it("FROM scratch: COPY of a file and of a directory", async () => {
    const context = await BuildContext.fromDirectory(contextDir("FROM scratch\nCOPY hello /\nCOPY rootfs/ /\n"));
    const store = memoryStore();
    const r = await build({ store, context });
    const config = await store.getImage(r.imageId)!.config();
    expect(config.rootfs.diff_ids).toEqual([DOCKER.copyHello, DOCKER.copyRootfs]);
  });

  it("a directory copied onto an existing /etc takes the source's mtime, as archive.Untar leaves it", async () => {
    const store = memoryStore();
    await importTar(store, readFileSync(join(import.meta.dirname, "conformance/base/busybox-rootfs.tar")), { ref: "conformance/busybox:1" });
    const context = await BuildContext.fromDirectory(contextDir("FROM conformance/busybox:1\nCOPY rootfs/ /\n"));
    const r = await build({ store, context });
    const config = await store.getImage(r.imageId)!.config();
    expect(config.rootfs.diff_ids[1]).toBe(DOCKER.copyRootfs);
  });
});

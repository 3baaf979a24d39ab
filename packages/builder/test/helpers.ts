import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { afterAll, afterEach } from "vitest";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BuildContext } from "@tsbuild/context";
import { importTar, memoryStore, type ImageStore } from "@tsbuild/store";
import { build, type BuildOptions } from "@tsbuild/builder";

export const BUSYBOX_TAR = join(import.meta.dirname, "../../../test/conformance/base/busybox-rootfs.tar");

export async function busyboxStore(): Promise<ImageStore> {
  const store = memoryStore();
  await importTar(store, readFileSync(BUSYBOX_TAR), { ref: "busybox:test", created: new Date("2024-01-01T00:00:00Z") });
  return store;
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A context directory from a map of files; a value starting with "->" makes a symlink. */
export function contextDir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "tsbuild-builder-test-"));
  made.push(dir);
  for (const [p, v] of Object.entries(files)) {
    const full = join(dir, p);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof v === "string" && v.startsWith("->")) symlinkSync(v.slice(2), full);
    else writeFileSync(full, v);
  }
  return dir;
}

export async function buildDir(store: ImageStore, dir: string, extra: Partial<BuildOptions> = {}) {
  const lines: string[] = [];
  const context = await BuildContext.fromDirectory(dir);
  const result = await build({ store, context, output: (s) => lines.push(s), ...extra });
  return { ...result, log: lines.join("") };
}

export async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/** Restores TSBUILD_MEMORY after each test of the suite that calls this (tests set the budget). */
export function restoreMemoryBudget(): void {
  const saved = process.env.TSBUILD_MEMORY;
  afterEach(() => {
    if (saved === undefined) delete process.env.TSBUILD_MEMORY;
    else process.env.TSBUILD_MEMORY = saved;
  });
}

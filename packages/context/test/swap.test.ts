import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { BuildContext } from "@tsbuild/context";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function contextWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsbuild-swap-"));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

const read = (ctx: BuildContext, src: string) => ctx.sourceHash(ctx.resolveSources([src]));

// Issue 17: the walk lstat'ed each file but read it much later with readFileSync, which follows
// symlinks: a file swapped for a link to a host file while an earlier step ran put the host file in the image.
describe("a context file changed during the build", () => {
  test("swapped for a symlink to a host file: refused, the host file is never read", async () => {
    const dir = contextWith({ Dockerfile: "FROM scratch\nCOPY secret.txt /\n", "secret.txt": "mine\n" });
    const ctx = await BuildContext.fromDirectory(dir);
    const host = path.join(dirs[0], "host-only");
    fs.writeFileSync(host, "host secret\n");
    fs.rmSync(path.join(dir, "secret.txt"));
    fs.symlinkSync(host, path.join(dir, "secret.txt"));
    expect(() => read(ctx, "secret.txt")).toThrow(/secret\.txt' changed after the context was read \(it is now a symbolic link\)/);
  });

  test("replaced by another file: refused", async () => {
    const dir = contextWith({ Dockerfile: "FROM scratch\n", "a.txt": "one\n" });
    const ctx = await BuildContext.fromDirectory(dir);
    fs.writeFileSync(path.join(dir, "other"), "two\n");
    fs.renameSync(path.join(dir, "other"), path.join(dir, "a.txt"));
    expect(() => read(ctx, "a.txt")).toThrow(/changed after the context was read \(another file is now in its place\)/);
  });

  test("unchanged: read as before", async () => {
    const dir = contextWith({ Dockerfile: "FROM scratch\n", "a.txt": "one\n" });
    const ctx = await BuildContext.fromDirectory(dir);
    expect(read(ctx, "a.txt")).toMatch(/^file:[0-9a-f]{64}$/);
  });
});

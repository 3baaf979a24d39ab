/**
 * The image of this directory, checked the way a user of tsbuild would check theirs:
 *
 *     import { build } from "tsbuild";
 *     import "tsbuild/vitest";
 *
 * (The workspace's examples package does not depend on `tsbuild` yet, so the imports below
 * name the package's files; they are the same modules.)
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { build, type BuiltImage } from "tsbuild";
import "tsbuild/vitest";

let image: BuiltImage;

beforeAll(async () => {
  image = await build({ context: join(import.meta.dirname) });
});

describe("examples/matchers-demo", () => {
  it("has one layer per filesystem step on top of busybox", () => {
    // busybox, COPY app.sh, COPY config/, RUN mkdir; WORKDIR of an existing directory adds none.
    expect(image).toHaveLayerCount(4);
  });

  it("stays small", () => {
    expect(image).toHaveSizeBelow("5MB");
  });

  it("puts each file where the Dockerfile says, in the layer of its instruction", () => {
    expect(image.layer(1)).toAdd("/usr/local/bin/app");
    expect(image.layer(2)).toAdd("/etc/app/app.conf");
    expect(image.layer(3)).toAdd("/var/lib/app/state");
    expect(image).toContainFile("/usr/local/bin/app");
    expect(image.file("/usr/local/bin/app")?.entry.mode).toBe("0755");
  });

  it("keeps what .dockerignore names out of the image", () => {
    // config/notes.local.md is in the directory COPY config/ copies.
    expect(image).not.toContainFile("/etc/app/notes.local.md");
    expect(image).toContainFile("/etc/app/app.conf");
  });

  it("wastes nothing: no layer deletes or overwrites what an earlier one wrote", () => {
    expect(image).toHaveWastedBytesBelow(1);
  });

  it("runs as nobody from its state directory", () => {
    expect(image.config.config.User).toBe("nobody");
    expect(image.config.config.WorkingDir).toBe("/var/lib/app");
    expect(image.config.config.Cmd).toEqual(["app"]);
  });
});

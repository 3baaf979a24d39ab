import { expect, it } from "vitest";
import { layerEntries } from "../src/index.js";
import { busyboxRootFS, step } from "./helpers.js";

/**
 * overlayfs's ovl_rename marks a directory that exists only in the upper layer opaque when it is
 * renamed into a merged directory. Docker 20.10 on overlay2 (generated case g-7-042):
 *   RUN mkdir -p /dst && mv /dst /moved   →   moved/, moved/.wh..wh..opq
 * Renamed inside a directory made in the same step, nothing is marked.
 */
it("marks an upper-only directory renamed into a merged one opaque, and only that", async () => {
  const rfs = await busyboxRootFS();
  const diff = await step(rfs, (f) => {
    f.mkdir("/dst", { recursive: true });
    f.rename("/dst", "/moved");
    f.mkdir("/fresh/sub", { recursive: true });
    f.rename("/fresh/sub", "/fresh/sub2");
  });
  const paths = (await layerEntries(diff.tar)).map((e) => e.path);
  expect(paths).toContain("moved/.wh..wh..opq");
  expect(paths).toContain("fresh/sub2");
  expect(paths).not.toContain("fresh/sub2/.wh..wh..opq");
});

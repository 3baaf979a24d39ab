import { expect, it } from "vitest";
import { join } from "node:path";
import { build } from "@tsbuild/tsbuild";
import "@tsbuild/tsbuild/vitest";

// The README's "In unit tests" snippet, as written there.
it("runs the README's unit-test example", async () => {
  const image = await build({ context: join(import.meta.dirname, "../examples/apk-single") });
  expect(image).toHaveLayerCount(2);
  expect(image).toHaveWastedBytesBelow("1MB");
  expect(image.layer(-1)).toAdd("/usr/local/bin/app");
});

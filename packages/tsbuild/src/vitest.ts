/**
 * `import "tsbuild/vitest"` adds the tsbuild matchers to vitest's expect, with their types:
 *
 *     expect(image).toHaveLayerCount(3);
 *     expect(image.layer(2)).toAdd("/usr/local/bin/app");
 */
import { expect } from "vitest";
import { tsbuildMatchers, type TsbuildMatchers } from "./matchers/index.js";

expect.extend(tsbuildMatchers);

export { tsbuildMatchers, type TsbuildMatchers };
export { formatLayerTable } from "./layer-table.js";

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends TsbuildMatchers<T> {}
}

import { describe, expect, it } from "vitest";
import { defaultRoot } from "../src/index.js";

describe("defaultRoot", () => {
  it("--root, else $TSBUILD_ROOT, else $XDG_DATA_HOME/tsbuild, else ~/.local/share/tsbuild", () => {
    expect(defaultRoot("/r", { TSBUILD_ROOT: "/t" })).toBe("/r");
    expect(defaultRoot(undefined, { TSBUILD_ROOT: "/t", XDG_DATA_HOME: "/x" })).toBe("/t");
    expect(defaultRoot(undefined, { XDG_DATA_HOME: "/x", HOME: "/h" })).toBe("/x/tsbuild");
    expect(defaultRoot(undefined, { HOME: "/h" })).toBe("/h/.local/share/tsbuild");
  });
});

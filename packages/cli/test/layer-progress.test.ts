import { describe, expect, it } from "vitest";
import { LayerProgress } from "../src/layer-progress.js";

describe("pull's terminal rendering", () => {
  it("keeps one line per layer, rewritten in place, and prints other lines below", () => {
    let out = "";
    const p = new LayerProgress((s) => void (out += s));
    p.line("1: Pulling from t/img\n");
    p.line("aaaaaaaaaaaa: Pulling fs layer\nbbbbbbbbbbbb: Pulling fs layer\n");
    p.bytes("aaaaaaaaaaaa", 50, 100);
    p.bytes("aaaaaaaaaaaa", 50, 100); // same bar: not redrawn
    p.line("aaaaaaaaaaaa: Pull complete\n");
    p.line("Digest: sha256:x\n");
    expect(out).toBe(
      "1: Pulling from t/img\naaaaaaaaaaaa: Pulling fs layer\nbbbbbbbbbbbb: Pulling fs layer\n" +
      `\x1b[2A\r\x1b[2Kaaaaaaaaaaaa: Downloading [${"=".repeat(25)}>${" ".repeat(24)}]  50B/100B\r\x1b[2B` +
      "\x1b[2A\r\x1b[2Kaaaaaaaaaaaa: Pull complete\r\x1b[2B" +
      "Digest: sha256:x\n",
    );
  });
});

import { describe, expect, it } from "vitest";
import { ellipsis, goFormatG, humanDuration, humanSize, renderRows, renderTemplate, tabwrite } from "../src/index.js";

describe("Docker's CLI words and numbers", () => {
  it("humanSize is go-units HumanSizeWithPrecision(size, 3)", () => {
    expect(humanSize(0)).toBe("0B");
    expect(humanSize(2)).toBe("2B");
    expect(humanSize(999)).toBe("999B");
    expect(humanSize(1000)).toBe("1kB");
    expect(humanSize(1984260)).toBe("1.98MB");
    expect(humanSize(10500)).toBe("10.5kB");
    expect(humanSize(12000)).toBe("12kB");
    expect(humanSize(999999)).toBe("1e+03kB");
    expect(humanSize(5.5e9)).toBe("5.5GB");
  });

  it("%.3g as Go formats it", () => {
    expect(goFormatG(1.98426, 3)).toBe("1.98");
    expect(goFormatG(100, 3)).toBe("100");
    expect(goFormatG(0.0001234, 3)).toBe("0.000123");
    expect(goFormatG(0.00001234, 3)).toBe("1.23e-05");
  });

  it("humanDuration is go-units HumanDuration", () => {
    expect(humanDuration(500)).toBe("Less than a second");
    expect(humanDuration(1000)).toBe("1 second");
    expect(humanDuration(59_000)).toBe("59 seconds");
    expect(humanDuration(60_000)).toBe("About a minute");
    expect(humanDuration(45 * 60_000)).toBe("45 minutes");
    expect(humanDuration(90 * 60_000)).toBe("2 hours");
    expect(humanDuration(3 * 86400_000)).toBe("3 days");
    expect(humanDuration(20 * 86400_000)).toBe("2 weeks");
    expect(humanDuration(100 * 86400_000)).toBe("3 months");
    expect(humanDuration(800 * 86400_000)).toBe("2 years");
  });

  it("ellipsis cuts to the width with …", () => {
    expect(ellipsis("abc", 45)).toBe("abc");
    expect(ellipsis("x".repeat(50), 45)).toBe("x".repeat(44) + "…");
  });

  it("tabwrite pads every cell but the last to max(width+3, 10)", () => {
    expect(tabwrite([["IMAGE", "SIZE", "COMMENT"], ["abc", "1.98MB", ""]])).toBe("IMAGE     SIZE      COMMENT\nabc       1.98MB    \n");
  });

  it("templates and table formats", () => {
    expect(renderTemplate("{{.Id}} {{json .Config.Cmd}} {{.Config.Cmd}} {{.Nil}}", { Id: "x", Config: { Cmd: ["sh", "-c"] }, Nil: null })).toBe('x ["sh","-c"] [sh -c] <nil>');
    expect(() => renderTemplate("{{.Missing}}", {})).toThrow("can't evaluate field Missing");
    expect(renderRows("table {{.ID}}\\t{{.Size}}", [{ ID: "a", Size: "1B" }], { ID: "IMAGE", Size: "SIZE" })).toBe("IMAGE     SIZE\na         1B\n");
    expect(renderRows("{{.ID}}:{{.Size}}", [{ ID: "a", Size: "1B" }], {})).toBe("a:1B\n");
  });
});

/**
 * The findings' advice, followed literally: the apt-lists advice applied as written gives an
 * image that builds and keeps no lists; the advice it replaced ("end that RUN with rm -rf …")
 * breaks the next RUN's install, which is why it was wrong.
 */
import { describe, expect, it } from "vitest";
import { build } from "../src/index.js";

const split = "FROM debian:bookworm-slim\nRUN apt update\nRUN apt install -y curl\n";

describe("advice that works as written", () => {
  it("for `RUN apt update`: update, install and clean in one RUN", async () => {
    const image = await build({ context: { files: {} }, dockerfile: split });
    const finding = image.explain.findings.find((f) => f.kind === "package-cache" && f.message.includes("/var/lib/apt/lists"));
    expect(finding?.message).toContain("do the update, the install and the clean in one RUN");
    const advised = /`(RUN apt-get update && apt-get install -y … && rm -rf \/var\/lib\/apt\/lists\/\*)`/.exec(finding!.message)![1]!;
    const followed = await build({ context: { files: {} }, dockerfile: `FROM debian:bookworm-slim\n${advised.replace("…", "curl")}\n` });
    expect(followed.file("/usr/bin/curl")).toBeDefined();
    expect(followed.explain.findings.filter((f) => f.message.includes("/var/lib/apt/lists"))).toEqual([]);

    const oldAdvice = "FROM debian:bookworm-slim\nRUN apt update && rm -rf /var/lib/apt/lists/*\nRUN apt install -y curl\n";
    await expect(build({ context: { files: {} }, dockerfile: oldAdvice })).rejects.toThrow(/returned a non-zero code: 100/);
  });
});

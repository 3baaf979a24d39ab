import { describe, expect, it } from "vitest";
import { imagesCommand } from "../src/commands/images.js";
import { run, tempDir } from "./helpers/run.js";
import { seed } from "./helpers/seed.js";

describe("tsbuild images", () => {
  it("lists tagged images newest first in Docker's columns", async () => {
    const root = tempDir();
    const { base, app } = await seed(root);
    const r = await run(imagesCommand, [], { root });
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^REPOSITORY   TAG       IMAGE ID       CREATED +SIZE$/);
    expect(lines[1]).toMatch(new RegExp(`^app          1         ${app.slice(7, 19)}   \\d+ (days|weeks|months|years) ago +1\\.98MB$`));
    expect(lines[2]).toMatch(new RegExp(`^busybox      1         ${base.slice(7, 19)}   `));
    expect(lines).toHaveLength(4);
  });

  it("-a adds intermediate images as <none>; -q prints IDs; a REPOSITORY argument filters", async () => {
    const root = tempDir();
    const { base, step, app } = await seed(root);
    const all = await run(imagesCommand, ["-a"], { root });
    expect(all.stdout).toContain(`<none>       <none>    ${step.slice(7, 19)}`);
    expect((await run(imagesCommand, ["-q"], { root })).stdout).toBe(`${app.slice(7, 19)}\n${base.slice(7, 19)}\n`);
    expect((await run(imagesCommand, ["-q", "--no-trunc", "busybox"], { root })).stdout).toBe(`${base}\n`);
    expect((await run(imagesCommand, ["--format", "{{.Repository}}:{{.Tag}} {{.Size}}"], { root })).stdout).toBe("app:1 1.98MB\nbusybox:1 1.98MB\n");
  });

  it("an empty store prints only the header", async () => {
    expect((await run(imagesCommand, [], { root: tempDir() })).stdout).toBe("REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n");
  });
});

import { describe, expect, it } from "vitest";
import { historyCommand } from "../src/commands/history.js";
import { run, tempDir } from "./helpers/run.js";
import { seed } from "./helpers/seed.js";

describe("tsbuild history", () => {
  it("prints Docker's table: IDs down the parent chain, truncated CREATED BY, human sizes", async () => {
    const root = tempDir();
    const { base, step, app } = await seed(root);
    const r = await run(historyCommand, ["app:1"], { root });
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^IMAGE {10}CREATED +CREATED BY {38}SIZE {6}COMMENT$/);
    expect(lines[1]).toMatch(new RegExp(`^${app.slice(7, 19)}   \\S.* ago +/bin/sh -c #\\(nop\\)  CMD \\["sh"\\] +0B +$`));
    expect(lines[2]).toContain(`${step.slice(7, 19)}   `);
    expect(lines[2]).toContain("   /bin/sh -c echo hello world > /hello.txt && …   12B       \n".trimEnd());
    expect(lines[3]).toMatch(new RegExp(`^${base.slice(7, 19)} .* 1\\.98MB    Imported from -$`));
  });

  it("-H=false prints CREATED AT and byte counts; --no-trunc full IDs and commands", async () => {
    const root = tempDir();
    const { app } = await seed(root);
    const plain = await run(historyCommand, ["-H=false", "app:1"], { root });
    expect(plain.stdout.split("\n")[0]).toMatch(/^IMAGE +CREATED AT +CREATED BY +SIZE +COMMENT$/);
    expect(plain.stdout).toContain("2024-01-01T00:02:00Z");
    expect(plain.stdout).toMatch(/ 1984260 +Imported from -\n/);
    expect((await run(historyCommand, ["--human=false", "app:1"], { root })).stdout).toBe(plain.stdout);
    const full = await run(historyCommand, ["--no-trunc", "app:1"], { root });
    expect(full.stdout).toContain(app);
    expect(full.stdout).toContain("echo a very long command line");
    expect((await run(historyCommand, ["--format", "{{.ID}}|{{.Size}}", "-H=false", "app:1"], { root })).stdout.split("\n")[0]).toBe(`${app.slice(7, 19)}|0`);
    expect((await run(historyCommand, ["-H", "app:1"], { root })).stdout).toContain("CREATED BY");
    expect((await run(historyCommand, ["-H=maybe", "app:1"], { root })).stderr).toMatch(/invalid argument "maybe" for "-H, --human" flag/);
  });

  it("an unknown image: Error: No such image, exit 1", async () => {
    expect(await run(historyCommand, ["nosuch"], { root: tempDir() })).toEqual({ code: 1, stdout: "", stderr: "Error: No such image: nosuch:latest\n" });
  });
});

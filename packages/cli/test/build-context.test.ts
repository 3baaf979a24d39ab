import { describe, expect, it } from "vitest";
import { buildCommand } from "../src/commands/build.js";
import { context, seeded } from "./helpers/context.js";
import { run } from "./helpers/run.js";

describe("build --build-context (BuildKit's named contexts)", () => {
  it("a directory feeds COPY --from; docker-image:// replaces what FROM names", async () => {
    const root = await seeded();
    const side = context({ "conf/app.ini": "mode=side\n" });
    const dir = context({ Dockerfile: "FROM app-base\nCOPY --from=cfg conf/app.ini /etc/app.ini\nRUN cat /etc/app.ini > /seen\n" });
    const r = await run(buildCommand, ["--buildkit", "--build-context", `cfg=${side}`, "--build-context", "app-base=docker-image://base:1", "-t", "named:1", dir], { root, cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("COPY --from=cfg conf/app.ini /etc/app.ini");
  });

  it("is refused by the classic builder, for remote values, and for a missing directory, each by name", async () => {
    const root = await seeded();
    const dir = context({ Dockerfile: "FROM base:1\n" });
    const classic = await run(buildCommand, ["--build-context", "x=.", dir], { root, cwd: dir });
    expect(classic.code).toBe(1);
    expect(classic.stderr).toMatch(/--build-context requires BuildKit/);
    const remote = await run(buildCommand, ["--buildkit", "--build-context", "src=https://example.invalid/src.tar", dir], { root, cwd: dir });
    expect(remote.stderr).toMatch(/build context "src": remote contexts .* are not supported/);
    const missing = await run(buildCommand, ["--buildkit", "--build-context", "x=./nope", dir], { root, cwd: dir });
    expect(missing.stderr).toMatch(/build context "x": .*nope: no such directory/);
    const bad = await run(buildCommand, ["--buildkit", "--build-context", "novalue", dir], { root, cwd: dir });
    expect(bad.stderr).toMatch(/invalid context value: novalue, expected key=value/);
  });
});

import { describe, expect, it } from "vitest";
import { runCommand } from "@tsbuild/shell";
import { simulatedBinaries } from "@tsbuild/pkgsim";
import { imageFs } from "./helpers.js";

const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

async function step(ref: string, script: string) {
  const fs = await imageFs(ref);
  let out = "";
  fs.beginStep();
  const res = await runCommand(fs, {
    argv: ["/bin/sh", "-c", script], config: { Env: [`PATH=${PATH}`] },
    stdout: (s) => { out += s; }, stderr: (s) => { out += s; }, binaries: simulatedBinaries,
  });
  const layer = await fs.commitStep();
  return { res, out, layer, fs };
}

describe("through the shell, as a RUN step", () => {
  it("RUN apk add --no-cache curl: a layer of curl's files and apk's database", async () => {
    const { res, out, layer } = await step("alpine:3.19", "apk add --no-cache curl");
    expect(out).toContain("Installing curl (8.5.0-r0)");
    expect(res.exitCode).toBe(0);
    const paths = layer.entries.map((e) => e.path);
    expect(paths).toContain("usr/bin/curl");
    expect(paths).toContain("lib/apk/db/installed");
    expect(paths).toContain("etc/apk/world");
    expect(paths.some((p) => p.startsWith("var/cache/apk/"))).toBe(false);
  });

  it("RUN apk add then del in one step leaves only the database changes", async () => {
    const { res, layer } = await step("alpine:3.19",
      "apk add --no-cache --virtual .build-deps gcc musl-dev && apk del .build-deps");
    expect(res.exitCode).toBe(0);
    const files = layer.entries.filter((e) => e.type === "file" && !e.path.includes(".wh.")).map((e) => e.path);
    expect(files.sort()).toEqual(["etc/apk/world", "lib/apk/db/installed"]);
  });

  it("an unknown package fails the step with apk's exit code", async () => {
    const { res, out } = await step("alpine:3.20", "apk add --no-cache nosuch");
    expect(res.exitCode).toBe(1);
    expect(out).toContain("nosuch (no such package)");
  });

  it("RUN apt-get update && apt-get install -y … && rm -rf /var/lib/apt/lists/*", async () => {
    const { res, out, layer } = await step("debian:bookworm-slim",
      "apt-get update && apt-get install -y --no-install-recommends jq && rm -rf /var/lib/apt/lists/*");
    expect(res, out).toMatchObject({ exitCode: 0 });
    const paths = layer.entries.map((e) => e.path);
    expect(paths).toContain("usr/bin/jq");
    expect(paths).toContain("var/lib/dpkg/status");
    expect(paths.some((p) => p.endsWith("Packages.lz4"))).toBe(false);
    expect(layer.size).toBeLessThan(5_000_000);
  });

  it("exec-form RUN [\"apt-get\", …] reaches the simulated apt-get", async () => {
    const fs = await imageFs("debian:bookworm-slim");
    const exec = async (argv: string[]) => {
      let out = "";
      const res = await runCommand(fs, {
        argv, config: { Env: [`PATH=${PATH}`] }, binaries: simulatedBinaries,
        stdout: (s) => { out += s; }, stderr: (s) => { out += s; },
      });
      return { res, out };
    };
    expect((await exec(["apt-get", "update"])).res.exitCode).toBe(0);
    fs.beginStep();
    const { res, out } = await exec(["apt-get", "install", "-y", "--no-install-recommends", "jq"]);
    expect(res, out).toMatchObject({ exitCode: 0 });
    const layer = await fs.commitStep();
    const paths = layer.entries.map((e) => e.path);
    expect(paths).toContain("usr/bin/jq");
    expect(paths).toContain("var/lib/dpkg/status");
    expect(paths).toContain("var/lib/dpkg/info/jq.list");
    expect(paths.some((p) => p.endsWith(".deb"))).toBe(false);
  });
});

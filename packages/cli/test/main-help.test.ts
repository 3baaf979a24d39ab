import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { commands } from "../src/commands/index.js";
import { runMain, tempDir } from "./helpers/run.js";

const cli = (argv: string[], cwd = tempDir()) => runMain(argv, { cwd, env: { HOME: cwd, TSBUILD_ROOT: join(cwd, "store") } });

describe("tsbuild explains itself", () => {
  it("every command's --help lists every option, one line each, with a description", async () => {
    for (const entry of commands) {
      const cmd = await entry.load();
      const { code, stdout } = await cli([...entry.name.split(" "), "--help"]);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage:  tsbuild ${cmd.usage}`);
      for (const [name, o] of Object.entries(cmd.options)) {
        const line = stdout.split("\n").find((l) => new RegExp(`^  ${o.short ? `-${o.short}, ` : "    "}--${name}\\b`).test(l));
        expect(line, `${entry.name} --${name}`).toBeDefined();
        expect(line!.replace(/^\s+\S+(, \S+)?( \S+)?\s+/, ""), `${entry.name} --${name} has a description`).toMatch(/\w{3}/);
      }
    }
  });

  it("build --help reads like docker build --help", async () => {
    const { stdout } = await cli(["build", "-h"]);
    expect(stdout).toMatch(/^\nUsage:  tsbuild build \[OPTIONS\] PATH \| -\n\nBuild an image from a Dockerfile\n\nOptions:\n/);
    expect(stdout).toMatch(/^  -f, --file string\s+Name of the Dockerfile \(Default is 'PATH\/Dockerfile'\)$/m);
    expect(stdout).toMatch(/^      --label list\s+Set metadata for an image$/m);
    expect(stdout).toMatch(/^      --explain\s+After the build/m);
  });

  it("-h, --help and --version at the top", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Options:\n\s+--root string/);
    expect(help.stdout).toMatch(/Management Commands:\n(.*\n)*\s+image\s+Manage images/);
    expect((await cli(["-h"])).stdout).toBe(help.stdout);
    expect((await cli(["help", "image", "prune"])).stdout).toBe((await cli(["image", "prune", "--help"])).stdout);
    const v = await cli(["--version"]);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8"));
    expect(v).toMatchObject({ code: 0, stdout: `tsbuild version ${pkg.version}\n` });
  });

  it("a mistyped command is not taken for a build context, and the nearest command is named", async () => {
    const r = await cli(["prune"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("tsbuild: 'prune' is not a tsbuild command.\n\nDid you mean this?\n\timage prune\n\tbuilder prune\n\nSee 'tsbuild --help'\n");
    expect((await cli(["imgaes"])).stderr).toContain("Did you mean this?\n\timages\n");
  });

  it("unknown and malformed flags in Docker's words, exit 125", async () => {
    expect(await cli(["build", "--foo", "."])).toMatchObject({ code: 125, stderr: "unknown flag: --foo\nSee 'tsbuild build --help'.\n" });
    expect(await cli(["images", "-x"])).toMatchObject({ code: 125, stderr: "unknown shorthand flag: 'x' in -x\nSee 'tsbuild images --help'.\n" });
    expect(await cli(["build", "-f"])).toMatchObject({ code: 125, stderr: "flag needs an argument: 'f' in -f\nSee 'tsbuild build --help'.\n" });
    expect(await cli(["build", "--tag"])).toMatchObject({ code: 125, stderr: "flag needs an argument: --tag\nSee 'tsbuild build --help'.\n" });
    expect((await cli(["images", "--quiet=maybe"])).stderr).toBe(
      'invalid argument "maybe" for "-q, --quiet" flag: strconv.ParseBool: parsing "maybe": invalid syntax\nSee \'tsbuild images --help\'.\n',
    );
  });

  it("global options come before the command", async () => {
    const dir = tempDir();
    const r = await cli(["--root", join(dir, "other"), "images"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^REPOSITORY\s+TAG/);
    const missing = await cli(["--root", join(dir, "other"), "history", "nope"], dir);
    expect(missing.stderr).toMatch(/^Error: No such image: nope/);
    const debug = await cli(["--debug", "history", "nope"], dir);
    expect(debug.stderr).toMatch(/\n\s+at /); // --debug adds the stack
  });
});

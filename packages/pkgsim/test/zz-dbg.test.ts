import { it } from "vitest";
import { imageFs, run } from "./helpers.js";
it("dbg", async () => {
  const fs = await imageFs("debian:bookworm-slim");
  await run(fs, "/usr/bin/apt-get", ["update"]);
  const r = await run(fs, "/usr/bin/apt-get", ["install", "-y", "--no-install-recommends", "git"]);
  console.log(r.stdout.slice(0, 1500));
});

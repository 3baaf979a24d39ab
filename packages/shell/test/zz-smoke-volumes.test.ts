import { it } from "vitest";
import { baseFs, runStep } from "./helpers.js";

it("smoke", async () => {
  const fs = await baseFs();
  let r = await runStep(fs, "mkdir -p /vol/sub && echo before > /vol/a && ln -s a /vol/link && echo s > /vol/sub/s && chmod 700 /vol/sub && chown 5:6 /vol/a && touch -d 2002-02-02 /vol/a");
  console.log(r.entries.map((e) => e.path));
  r = await runStep(fs, "ls -lan /vol /vol/sub; stat -c '%a %u %g' /vol; chmod 700 /vol && chown 7:8 /vol && touch -d 2001-01-01 /vol; echo x > /vol/a; rm /vol/link; mv /vol/sub /vol/sub2; mv /vol/a /moved; ln -s /etc /vol/etclink; echo y > /vol/etclink/fromvol; stat -c '%a %u %g %Y' /moved; mkdir /vol/d; echo q > /vol/d/q; mv /vol/d /movedd; ls -lan /vol; rm -rf /vol; echo rm=$?; ln /vol/x /y; mv /vol /v2; echo mv=$?", { volumes: ["/vol"] });
  console.log(r.stdout, r.stderr, r.exitCode, r.error, JSON.stringify(r.entries.map((e) => [e.path, e.mode, e.uid, e.gid])));
  r = await runStep(fs, "ls -lan /vol /vol/sub; stat -c '%a %u %g' /vol; cat /vol/a", { volumes: ["/vol"] });
  console.log(r.stdout, r.stderr, JSON.stringify(r.entries.map((e) => e.path)));
  r = await runStep(fs, "ls -la /m/n/o; echo hi > /m/n/o/f; chmod 700 /m/n/o; touch /m/n/x", { volumes: ["/m/n/o"] });
  console.log(r.stdout, r.stderr, JSON.stringify(r.entries.map((e) => [e.path, e.mode])));
});

import { openStore } from "@tsbuild/store";
import { BUSYBOX_TAR, cli, isRawError, tempDir, writeTree, type Counts } from "./lib.js";

/**
 * 8 concurrent builds (same and different contexts) plus concurrent tag and rmi on one root.
 * Counted: lost tags, failed commands, fsck problems; the longest command is reported too.
 */
export async function concurrency(rounds: number): Promise<Counts> {
  const counts: Counts = { builds: 0, tagOps: 0, rmiOps: 0, lostTags: 0, failedCommands: 0, rawErrors: 0, fsckProblems: 0, longestCommandMs: 0 };
  for (let round = 0; round < rounds; round++) {
    const root = tempDir("conc-root");
    const imported = await cli(["import", "--root", root, BUSYBOX_TAR, "busybox:rel"]);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
    await cli(["tag", "--root", root, "busybox:rel", "rel/doomed:0"]);
    const contexts = [0, 1, 2, 3].map((k) =>
      writeTree(tempDir("conc-ctx"), {
        Dockerfile: `FROM busybox:rel\nCOPY f /f\nRUN echo ${k} > /k && cat /f >> /k\n`,
        f: `context ${k}\n`,
      }),
    );
    const jobs: Array<Promise<{ ok: boolean; raw: boolean; ms: number }>> = [];
    const expectTags: string[] = [];
    for (let b = 0; b < 8; b++) {
      const tag = `rel/conc:${b}`;
      expectTags.push(tag);
      counts.builds++;
      jobs.push(cli(["build", "--root", root, "-t", tag, contexts[b % 4]]).then((r) => {
        if (r.code !== 0) console.error(`build ${tag}: ${r.stderr}`);
        return { ok: r.code === 0, raw: r.code !== 0 && isRawError(r.stderr), ms: r.ms };
      }));
    }
    for (let t = 0; t < 4; t++) {
      counts.tagOps++;
      expectTags.push(`rel/extra:${t}`);
      jobs.push(cli(["tag", "--root", root, "busybox:rel", `rel/extra:${t}`]).then((r) => ({ ok: r.code === 0, raw: r.code !== 0 && isRawError(r.stderr), ms: r.ms })));
    }
    counts.rmiOps++;
    jobs.push(cli(["rmi", "--root", root, "rel/doomed:0"]).then((r) => ({ ok: r.code === 0, raw: r.code !== 0 && isRawError(r.stderr), ms: r.ms })));
    for (const j of await Promise.all(jobs)) {
      if (!j.ok) counts.failedCommands++;
      if (j.raw) counts.rawErrors++;
      counts.longestCommandMs = Math.max(counts.longestCommandMs, j.ms);
    }
    const store = openStore(root);
    for (const tag of expectTags) if (!store.resolve(tag)) counts.lostTags++;
    if (store.resolve("rel/doomed:0")) counts.lostTags++; // an rmi that did not stick is a lost operation too
    const problems = await store.fsck();
    counts.fsckProblems += problems.length;
    if (problems.length) console.error(problems.join("\n"));
  }
  return counts;
}

import { openStore } from "@tsbuild/store";
import { BUSYBOX_TAR, cli, isRawError, tempDir, writeTree, type Counts } from "./lib.js";
import { hasManifest, startRegistry } from "./registry.js";

/**
 * 8 concurrent builds (same and different contexts) plus concurrent tag, rmi, image prune and
 * (with a local docker-registry) push and pull on one root. Counted: lost tags, lost pushes,
 * failed commands, fsck problems; the longest command is reported too.
 */
export async function concurrency(rounds: number): Promise<Counts> {
  const counts: Counts = { builds: 0, tagOps: 0, rmiOps: 0, pruneOps: 0, pushOps: 0, pullOps: 0, lostTags: 0, lostPushes: 0, failedCommands: 0, rawErrors: 0, fsckProblems: 0, longestCommandMs: 0 };
  const registry = await startRegistry();
  try {
    for (let round = 0; round < rounds; round++) await oneRound(round, counts, registry?.host);
  } finally {
    registry?.stop();
  }
  return counts;
}

const outcome = (r: { code: number | null; stderr: string; ms: number }) => {
  if (r.code !== 0) console.error(r.stderr);
  return { ok: r.code === 0, raw: r.code !== 0 && isRawError(r.stderr), ms: r.ms };
};

async function oneRound(round: number, counts: Counts, host: string | undefined): Promise<void> {
  {
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
    // Dangling images only: the builds' intermediate images while they are being built.
    counts.pruneOps++;
    jobs.push(cli(["image", "prune", "-f", "--root", root]).then(outcome));
    const pushed: string[] = [];
    if (host) {
      // The base goes up first so that pulls have something to fetch while the rest runs.
      const base = `${host}/rel/base:${round}`;
      await cli(["tag", "--root", root, "busybox:rel", base]);
      const first = await cli(["push", "--root", root, base]);
      if (first.code !== 0) throw new Error(`push failed: ${first.stderr}`);
      for (let p = 0; p < 2; p++) {
        const ref = `${host}/rel/pushed${p}:${round}`;
        await cli(["tag", "--root", root, "busybox:rel", ref]);
        pushed.push(ref);
        counts.pushOps++;
        jobs.push(cli(["push", "--root", root, ref]).then(outcome));
      }
      for (let p = 0; p < 2; p++) {
        counts.pullOps++;
        expectTags.push(base);
        jobs.push(cli(["pull", "--root", root, base]).then(outcome));
      }
    }
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
    for (const ref of pushed) {
      const [, repo, tag] = /^[^/]+\/(.+):([^:]+)$/.exec(ref)!;
      if (host && !(await hasManifest(host, repo, tag))) counts.lostPushes++;
    }
  }
}

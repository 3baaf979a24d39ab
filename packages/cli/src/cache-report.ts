import type { StepRecord } from "@tsbuild/builder";

/**
 * `build --explain-cache`: each step's cache outcome, and for the first miss of a stage what
 * differs from the nearest cached image (moby/buildkit#2567 asks for this; Docker prints nothing).
 */
export function cacheReport(steps: StepRecord[]): string {
  const lines = ["", "Cache report:"];
  const bustedStages = new Set<number>();
  for (const s of steps) {
    if (s.instruction.kind === "FROM" || s.stage < 0) {
      if (s.instruction.kind === "FROM") bustedStages.delete(s.stage);
      continue;
    }
    const head = `  Step ${s.step}/${s.of}  ${truncate(s.text, 48).padEnd(48)}`;
    if (s.cached) lines.push(`${head}  cached`);
    else if (s.cacheMiss && !bustedStages.has(s.stage)) {
      bustedStages.add(s.stage);
      lines.push(`${head}  MISS: ${s.cacheMiss.differences.join("; ")}`);
    } else if (bustedStages.has(s.stage)) lines.push(`${head}  rebuilt (a step before it in this stage missed)`);
    else lines.push(`${head}  built (no cache to use${s.cacheMiss ? "" : ": --no-cache or first build"})`);
  }
  return lines.join("\n") + "\n";
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

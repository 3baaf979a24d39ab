import type { Stage } from "@tsbuild/parser";

/**
 * The stage names and indexes (lower case) that stages after `done` may name: FROM, COPY --from
 * and RUN --mount from=. "any" when a reference uses a variable and could name any stage.
 */
export function laterStageRefs(plan: readonly Stage[], done: number): Set<string> | "any" {
  const refs = new Set<string>();
  for (const stage of plan) {
    if (stage.index <= done) continue;
    const words = [stage.baseName];
    for (const ins of stage.instructions) {
      // Anything spelled from=X, wherever it sits, counts: over-keeping only costs memory.
      for (const m of ins.original.matchAll(/from=("[^"]*"|'[^']*'|[^\s,]+)/gi)) words.push(m[1]!.replace(/^["']|["']$/g, ""));
    }
    for (const w of words) {
      if (w.includes("$")) return "any";
      refs.add(w.toLowerCase());
    }
  }
  return refs;
}

/** Whether a finished stage's filesystem can be dropped: no later step can name the stage. */
export function stageStillNamed(refs: Set<string> | "any", stage: { index: number; name?: string }): boolean {
  if (refs === "any") return true;
  return refs.has(String(stage.index)) || (stage.name !== undefined && refs.has(stage.name.toLowerCase()));
}

/**
 * The aspects tools/compare.py scores, so the test suite can hold cases to Docker's results without
 * Python. Keep in step with ../shared/conformance/tools/compare.py.
 */
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const HASH_RE = /\b(file|dir|multi):[0-9a-f]{64}\b/g;
const normHash = (s: unknown) => (typeof s === "string" ? s.replace(HASH_RE, "$1:<hash>") : s);

function hist(h: Json[], exact: boolean): string[] {
  return h.map((e) => JSON.stringify([exact ? (e.created_by ?? "") : normHash(e.created_by ?? ""), Boolean(e.empty_layer), e.comment ?? ""]));
}

function entryKey(e: Json): string {
  return JSON.stringify([e.path, e.type, e.mode, e.uid, e.gid, e.size ?? null, e.sha256 ?? null, e.linkname ?? null]);
}

function chain(c: Json[], exact: boolean): string[] {
  return c.map((e) => {
    let cmd = e.container_cmd ?? null;
    if (cmd && !exact) cmd = cmd.map(normHash);
    return JSON.stringify([e.layers ?? null, Boolean(e.has_parent_file), cmd]);
  });
}

const eq = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function firstDiff(a: string[], b: string[]): string {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return `#${i} expected ${a[i]} got ${b[i]}`;
  return a.length !== b.length ? `length expected ${a.length} got ${b.length}` : "";
}

function sortedKeys(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(sortedKeys);
  if (o && typeof o === "object") return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortedKeys((o as Record<string, unknown>)[k])]));
  return o;
}

export type Aspects = Record<string, { ok: boolean; detail: string }>;

export function compareCase(exp: Json, act: Json): Aspects {
  const r: Aspects = {};
  const set = (k: string, ok: boolean, detail = "") => (r[k] = { ok, detail: ok ? "" : detail });
  if ("error" in exp) {
    set("fails", (act.exit_code ?? 0) !== 0, `exit_code ${act.exit_code}`);
    if (exp.exit_code !== 0 && exp.exit_code !== 1) set("exit_code", act.exit_code === exp.exit_code, `expected ${exp.exit_code} got ${act.exit_code}`);
    const ran = (exp.steps ?? []).map((s: Json) => s.text);
    const got = (act.steps ?? []).map((s: Json) => s.text);
    set("steps_before_error", eq(got.slice(0, ran.length), ran) || got.length === ran.length, `expected ${ran.length} steps, got ${got.length}`);
    return r;
  }
  if ((act.exit_code ?? 1) !== 0 || !act.image) {
    set("builds", false, "build failed: " + (act.error ?? []).join(" | "));
    return r;
  }
  set("builds", true);
  const ei = exp.image;
  const ai = act.image;
  set("config", eq(sortedKeys(ei.config), sortedKeys(ai.config)), `expected ${JSON.stringify(ei.config)} got ${JSON.stringify(ai.config)}`);
  const [he, ha] = [hist(ei.history, false), hist(ai.history ?? [], false)];
  set("history", eq(he, ha), firstDiff(he, ha));
  const [hxe, hxa] = [hist(ei.history, true), hist(ai.history ?? [], true)];
  set("history_exact", eq(hxe, hxa), firstDiff(hxe, hxa));
  const el: Json[] = ei.layers;
  const al: Json[] = ai.layers ?? [];
  set("layer_count", el.length === al.length, `expected ${el.length} got ${al.length}`);
  set("layer_sizes", eq(el.map((l) => l.size), al.map((l) => l.size)), `expected ${JSON.stringify(el.map((l) => l.size))} got ${JSON.stringify(al.map((l) => l.size))}`);
  const bad: string[] = [];
  el.forEach((x, i) => {
    const y = al[i];
    if (!y) return;
    const xs = new Set(x.entries.map(entryKey));
    const ys = new Set((y.entries ?? []).map(entryKey));
    const missing = [...xs].filter((k) => !ys.has(k)).sort().slice(0, 3);
    const extra = [...ys].filter((k) => !xs.has(k)).sort().slice(0, 3);
    if (missing.length || extra.length) bad.push(`layer ${i} missing ${missing.join(" ")} extra ${extra.join(" ")}`);
  });
  set("layer_entries", bad.length === 0 && el.length === al.length, bad.join("; ").slice(0, 600));
  set("base_diff_id", eq(ei.diff_ids.slice(0, 1), (ai.diff_ids ?? []).slice(0, 1)), "");
  const [ce, ca] = [chain(ei.parent_chain, false), chain(ai.parent_chain ?? [], false)];
  set("parent_chain", eq(ce, ca), firstDiff(ce, ca));
  const [se, sa] = [exp.steps.map((s: Json) => s.text), (act.steps ?? []).map((s: Json) => s.text)];
  set("steps", eq(se, sa), firstDiff(se, sa));
  for (const k of ["rebuild_steps", "after_mutation_steps"]) {
    if (k in exp) set(k, eq(exp[k], act[k]), `expected ${JSON.stringify(exp[k])} got ${JSON.stringify(act[k])}`);
  }
  return r;
}

/** A case passes when every aspect but history_exact holds (compare.py's rule). */
export function passes(a: Aspects): boolean {
  return Object.entries(a).every(([k, v]) => k === "history_exact" || v.ok);
}

import picomatch from "picomatch";
import { percent } from "./render-text.js";
import type { CheckRules } from "./rules.js";
import type { Analysis } from "./types.js";
import { layerName, size } from "./words.js";

export interface RuleResult {
  /** The rule's key as the config names it (camelCase). */
  rule: keyof CheckRules;
  /** The configured limit, as a person reads it. */
  limit: string;
  /** The image's figure, as a person reads it. */
  actual: string;
  /** The image's figure as a number (null when dive's ratio is undefined: no user bytes). */
  value: number | null;
  /** The configured limit as a number, or forbiddenPaths' globs. */
  threshold: number | string[];
  pass: boolean;
  /** When it fails: the instructions behind it, in plain words. */
  reasons: string[];
  /** Layers (0-based) behind a failure. */
  layers: number[];
}

export interface CheckResult {
  pass: boolean;
  results: RuleResult[];
}

/** JSON has no NaN or Infinity: dive's undefined ratios become null. */
function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

/** Evaluates each configured rule against the analysis (rules that are absent are not checked). */
export function checkImage(a: Analysis, rules: CheckRules): CheckResult {
  const results: RuleResult[] = [];
  if (rules.lowestEfficiency !== undefined) {
    const pass = !(rules.lowestEfficiency > a.dive.efficiency);
    results.push({ rule: "lowestEfficiency", value: finite(a.dive.efficiency), threshold: rules.lowestEfficiency, limit: `≥ ${rules.lowestEfficiency}`, actual: `${a.dive.efficiency.toFixed(4)} (${percent(a.dive.efficiency)})`, pass, ...wasteReasons(a, pass) });
  }
  if (rules.highestWastedBytes !== undefined) {
    const pass = !(a.dive.wastedBytes > rules.highestWastedBytes);
    results.push({ rule: "highestWastedBytes", value: a.dive.wastedBytes, threshold: rules.highestWastedBytes, limit: `≤ ${sizeAndBytes(rules.highestWastedBytes)}`, actual: sizeAndBytes(a.dive.wastedBytes), pass, ...wasteReasons(a, pass) });
  }
  if (rules.highestUserWastedPercent !== undefined) {
    // NaN (no user bytes) compares false, so it passes, as in dive.
    const pass = !(a.dive.userWastedPercent > rules.highestUserWastedPercent);
    results.push({ rule: "highestUserWastedPercent", value: finite(a.dive.userWastedPercent), threshold: rules.highestUserWastedPercent, limit: `≤ ${rules.highestUserWastedPercent}`, actual: `${a.dive.userWastedPercent.toFixed(4)} (${percent(a.dive.userWastedPercent)})`, pass, ...wasteReasons(a, pass) });
  }
  if (rules.maxWastedBytes !== undefined) {
    const pass = a.wastedBytes <= rules.maxWastedBytes;
    results.push({ rule: "maxWastedBytes", value: a.wastedBytes, threshold: rules.maxWastedBytes, limit: `≤ ${sizeAndBytes(rules.maxWastedBytes)}`, actual: sizeAndBytes(a.wastedBytes), pass, ...wasteReasons(a, pass) });
  }
  if (rules.maxLayers !== undefined) {
    const pass = a.layers.length <= rules.maxLayers;
    const own = a.layers.filter((l) => !l.base);
    results.push({
      rule: "maxLayers",
      value: a.layers.length,
      threshold: rules.maxLayers,
      limit: `≤ ${rules.maxLayers}`,
      actual: String(a.layers.length),
      pass,
      reasons: pass ? [] : own.map((l) => `${layerName(l.index)}: ${l.label} (${size(l.size)})`),
      layers: pass ? [] : own.map((l) => l.index),
    });
  }
  if (rules.maxSize !== undefined) {
    const pass = a.totalSize <= rules.maxSize;
    const largest = [...a.layers].sort((x, y) => y.size - x.size).slice(0, 3);
    results.push({
      rule: "maxSize",
      value: a.totalSize,
      threshold: rules.maxSize,
      limit: `≤ ${sizeAndBytes(rules.maxSize)}`,
      actual: sizeAndBytes(a.totalSize),
      pass,
      reasons: pass ? [] : largest.map((l) => `${layerName(l.index)}: ${l.label} adds ${size(l.size)}${l.hiddenBytes ? `, ${size(l.hiddenBytes)} of it hidden by later layers` : ""}`),
      layers: pass ? [] : largest.map((l) => l.index),
    });
  }
  if (rules.forbiddenPaths !== undefined) {
    const hits = forbidden(a, rules.forbiddenPaths);
    results.push({
      rule: "forbiddenPaths",
      value: hits.length,
      threshold: rules.forbiddenPaths,
      limit: rules.forbiddenPaths.join(", "),
      actual: hits.length ? `${hits.length} ${hits.length === 1 ? "path" : "paths"} found` : "none found",
      pass: hits.length === 0,
      reasons: hits.map((h) => h.reason),
      layers: [...new Set(hits.map((h) => h.layer))],
    });
  }
  return { pass: results.every((r) => r.pass), results };
}

function sizeAndBytes(n: number): string {
  return `${size(n)} (${n} B)`;
}

/** The findings that name instructions behind wasted bytes; else the layers whose bytes are hidden. */
function wasteReasons(a: Analysis, pass: boolean): { reasons: string[]; layers: number[] } {
  if (pass) return { reasons: [], layers: [] };
  const findings = a.findings.filter((f) => f.bytes > 0 && f.kind !== "cache-order");
  if (findings.length) return { reasons: findings.map((f) => f.message), layers: [...new Set(findings.flatMap((f) => f.layers))] };
  const hiding = a.layers.filter((l) => l.hiddenBytes > 0);
  if (hiding.length) {
    return {
      reasons: hiding.map((l) => `${layerName(l.index)}: ${l.label} stores ${size(l.hiddenBytes)} that later layers hide`),
      layers: hiding.map((l) => l.index),
    };
  }
  // dive's count also charges the copies that are kept: name the paths it counts.
  const top = a.dive.inefficiencies.filter((x) => x.cumulativeSize > 0).slice(0, 5);
  return { reasons: top.map((x) => `${x.path} is in ${x.count} layers (${size(x.cumulativeSize)} counted by dive)`), layers: [] };
}

/** Paths any layer stores (kept or hidden: a deleted file is still in the image) that match a pattern. */
function forbidden(a: Analysis, patterns: string[]): Array<{ reason: string; layer: number }> {
  // Patterns and paths are compared without the leading "/", so "**/*.pem" also matches "/x.pem".
  const matchers = patterns.map((p) => ({ p, m: picomatch(p.replace(/^\/+/, ""), { dot: true }) }));
  const out: Array<{ reason: string; layer: number }> = [];
  for (const l of a.layers) {
    const stored = [...l.added, ...l.modified].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    for (const c of stored) {
      const hit = matchers.find(({ m }) => ancestorsAndSelf(c.path).some((p) => m(p)));
      if (!hit) continue;
      const hidden = l.hidden.find((h) => h.path === c.path);
      const fate = hidden ? `; ${hidden.how} by ${layerName(hidden.byLayer)}, but still in the image` : "";
      out.push({ reason: `${c.path} matches "${hit.p}": stored by ${layerName(l.index)}, ${l.label}${fate}`, layer: l.index });
    }
  }
  return out;
}

function ancestorsAndSelf(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** The report `tsbuild check` prints: each rule, PASS or FAIL, and for a failure the instructions behind it. */
export function renderCheck(r: CheckResult): string {
  const lines: string[] = [];
  if (r.results.length === 0) lines.push("No rules configured.");
  for (const x of r.results) {
    lines.push(`${x.pass ? "PASS" : "FAIL"}: ${x.rule}: ${x.actual} (limit ${x.limit})`);
    for (const reason of x.reasons) lines.push(`      - ${reason}`);
  }
  const failed = r.results.filter((x) => !x.pass).length;
  lines.push("");
  lines.push(r.pass ? `Result: PASS [${r.results.length} ${r.results.length === 1 ? "rule" : "rules"}]` : `Result: FAIL [${failed} of ${r.results.length} ${r.results.length === 1 ? "rule" : "rules"} broken]`);
  return lines.join("\n") + "\n";
}

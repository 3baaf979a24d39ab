import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { parseBytes } from "./parse-bytes.js";

/**
 * What `tsbuild check` enforces. dive's `.dive-ci` keys (camelCase, or the kebab-case dive ≥0.13
 * writes) plus tsbuild's own. A rule that is absent, or set to "disabled"/"off"/"false"/"", is
 * not checked (dive would apply its defaults to absent keys; see README).
 */
export interface CheckRules {
  /** dive: fail when dive's efficiency score is below this (0..1). */
  lowestEfficiency?: number;
  /** dive: fail when dive's wasted bytes are above this. */
  highestWastedBytes?: number;
  /** dive: fail when dive's user wasted percent (a ratio, 0..1) is above this. */
  highestUserWastedPercent?: number;
  /** tsbuild: fail when tsbuild's wasted bytes (copies no one sees) are above this. */
  maxWastedBytes?: number;
  /** Fail when the image has more layers. */
  maxLayers?: number;
  /** Fail when the image (sum of layer sizes) is larger. */
  maxSize?: number;
  /** Glob patterns ("/root/.ssh", "**\/*.pem"): fail when any layer stores a matching path (or one below it). */
  forbiddenPaths?: string[];
}

/** dive's defaults, used by `tsbuild check` when no config file is given or found. */
export const DIVE_DEFAULT_RULES: CheckRules = { lowestEfficiency: 0.9, highestUserWastedPercent: 0.1 };

const KEYS: Record<string, keyof CheckRules> = {
  lowestEfficiency: "lowestEfficiency",
  "lowest-efficiency": "lowestEfficiency",
  highestWastedBytes: "highestWastedBytes",
  "highest-wasted-bytes": "highestWastedBytes",
  highestUserWastedPercent: "highestUserWastedPercent",
  "highest-user-wasted-percent": "highestUserWastedPercent",
  maxWastedBytes: "maxWastedBytes",
  "max-wasted-bytes": "maxWastedBytes",
  maxLayers: "maxLayers",
  "max-layers": "maxLayers",
  maxSize: "maxSize",
  "max-size": "maxSize",
  forbiddenPaths: "forbiddenPaths",
  "forbidden-paths": "forbiddenPaths",
};

export class RulesError extends Error {}

export function loadRules(file: string): CheckRules {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new RulesError(`cannot read check rules from ${file}: ${(e as Error).message}`);
  }
  return parseRules(text, file);
}

/** Rules from YAML or JSON text: at the top level or under `rules:` (as in dive's .dive-ci). */
export function parseRules(text: string, source = "rules"): CheckRules {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new RulesError(`${source}: not YAML or JSON: ${(e as Error).message.split("\n")[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new RulesError(`${source}: expected a mapping of rules`);
  const top = doc as Record<string, unknown>;
  const body = top.rules !== undefined ? top.rules : top;
  if (body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) throw new RulesError(`${source}: "rules" must be a mapping`);
  const rules: CheckRules = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const name = KEYS[key];
    if (!name) throw new RulesError(`${source}: unknown rule "${key}" (known: ${Object.keys(KEYS).filter((k) => !k.includes("-")).join(", ")})`);
    if (isDisabled(value)) continue;
    try {
      setRule(rules, name, value);
    } catch (e) {
      throw new RulesError(`${source}: invalid ${key} value ${JSON.stringify(value)}: ${(e as Error).message}`);
    }
  }
  return rules;
}

function isDisabled(v: unknown): boolean {
  if (v === null || v === false) return true;
  return typeof v === "string" && ["", "disabled", "off", "false"].includes(v.trim().toLowerCase());
}

function setRule(rules: CheckRules, name: keyof CheckRules, value: unknown): void {
  switch (name) {
    case "lowestEfficiency":
    case "highestUserWastedPercent":
      rules[name] = ratio(value);
      return;
    case "highestWastedBytes":
    case "maxWastedBytes":
    case "maxSize":
      rules[name] = typeof value === "number" ? nonNegative(value) : parseBytes(String(value));
      return;
    case "maxLayers":
      rules.maxLayers = integer(value);
      return;
    case "forbiddenPaths": {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((p) => typeof p === "string" && p !== "")) throw new Error("expected a list of path patterns");
      rules.forbiddenPaths = list as string[];
      return;
    }
  }
}

function ratio(v: unknown): number {
  const n = typeof v === "number" ? v : Number(String(v).trim());
  if (!Number.isFinite(n)) throw new Error("not a number");
  if (n < 0 || n > 1) throw new Error("outside the allowed range 0-1");
  return n;
}

function nonNegative(n: number): number {
  if (!Number.isFinite(n) || n < 0) throw new Error("expected a size of 0 or more");
  return Math.trunc(n);
}

function integer(v: unknown): number {
  const n = typeof v === "number" ? v : Number(String(v).trim());
  if (!Number.isInteger(n) || n < 0) throw new Error("expected a whole number of 0 or more");
  return n;
}

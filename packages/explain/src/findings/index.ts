import type { Finding } from "../types.js";
import { cacheOrder } from "./cache-order.js";
import type { FindingContext } from "./context.js";
import { duplicateContent } from "./duplicate-content.js";
import { hiddenBytes } from "./hidden-bytes.js";
import { metadataCopies } from "./metadata-copy.js";
import { leftCaches } from "./package-caches.js";
import { secrets } from "./secrets.js";

export type { FindingContext } from "./context.js";

const RULES: Array<(ctx: FindingContext) => Finding[]> = [secrets, hiddenBytes, leftCaches, metadataCopies, duplicateContent, cacheOrder];

/** Every rule's findings: security first, then the most bytes (then bottom layer first). */
export function findAll(ctx: FindingContext): Finding[] {
  return RULES.flatMap((rule) => rule(ctx)).sort((a, b) => Number(b.security ?? false) - Number(a.security ?? false) || b.bytes - a.bytes || a.layers[0] - b.layers[0] || (a.layers[1] ?? -1) - (b.layers[1] ?? -1));
}

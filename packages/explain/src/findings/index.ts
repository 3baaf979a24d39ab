import type { Finding } from "../types.js";
import { cacheOrder } from "./cache-order.js";
import type { FindingContext } from "./context.js";
import { duplicateContent } from "./duplicate-content.js";
import { hiddenBytes } from "./hidden-bytes.js";
import { metadataCopies } from "./metadata-copy.js";
import { leftCaches } from "./package-caches.js";

export type { FindingContext } from "./context.js";

const RULES: Array<(ctx: FindingContext) => Finding[]> = [hiddenBytes, leftCaches, metadataCopies, duplicateContent, cacheOrder];

/** Every rule's findings, the most bytes first (then bottom layer first). */
export function findAll(ctx: FindingContext): Finding[] {
  return RULES.flatMap((rule) => rule(ctx)).sort((a, b) => b.bytes - a.bytes || a.layers[0] - b.layers[0] || (a.layers[1] ?? -1) - (b.layers[1] ?? -1));
}

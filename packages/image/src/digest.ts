import { createHash } from "node:crypto";

/** "sha256:<hex>" */
export type Digest = string;

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function sha256Digest(data: string | Uint8Array): Digest {
  return "sha256:" + sha256Hex(data);
}

export function hexOf(d: Digest): string {
  return d.startsWith("sha256:") ? d.slice(7) : d;
}

/**
 * Chain links already hashed, by "parent diffID": every commit of a build asks for its image's
 * whole chain, which made a 300-step build hash 45,000 links. Bounded: cleared when full.
 */
const links = new Map<string, Digest>();
const MAX_LINKS = 65_536;

/** chainID(1) = diffID(1); chainID(n) = sha256(chainID(n-1) + " " + diffID(n)) (moby layer.CreateChainID). */
export function chainIDs(diffIDs: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const d of diffIDs) {
    if (out.length === 0) {
      out.push(d);
      continue;
    }
    const link = out[out.length - 1] + " " + d;
    let chain = links.get(link);
    if (chain === undefined) {
      chain = sha256Digest(link);
      if (links.size >= MAX_LINKS) links.clear();
      links.set(link, chain);
    }
    out.push(chain);
  }
  return out;
}

/** The diffID of an empty layer: a tar of two zero blocks. Docker drops such layers. */
export const EMPTY_LAYER_DIFF_ID: Digest =
  "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

export function shortId(d: Digest): string {
  return hexOf(d).slice(0, 12);
}

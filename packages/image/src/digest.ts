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

/** chainID(1) = diffID(1); chainID(n) = sha256(chainID(n-1) + " " + diffID(n)) (moby layer.CreateChainID). */
export function chainIDs(diffIDs: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const d of diffIDs) out.push(out.length === 0 ? d : sha256Digest(out[out.length - 1] + " " + d));
  return out;
}

/** The diffID of an empty layer: a tar of two zero blocks. Docker drops such layers. */
export const EMPTY_LAYER_DIFF_ID: Digest =
  "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

export function shortId(d: Digest): string {
  return hexOf(d).slice(0, 12);
}

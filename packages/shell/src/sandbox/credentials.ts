/** The identity a step's processes run with: the resolved USER plus the umask. */
export interface Credentials {
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups: number[];
}

export type AccessBits = 4 | 2 | 1 | 6 | 5 | 3 | 7;

/**
 * Classic Unix permission check. Root passes everything except execute, which needs at
 * least one execute bit (or a directory).
 */
export function permits(
  creds: Credentials,
  node: { mode: number; uid: number; gid: number; type: string },
  want: AccessBits,
): boolean {
  if (creds.uid === 0) {
    if ((want & 1) === 0 || node.type === "dir") return true;
    return (node.mode & 0o111) !== 0;
  }
  let bits: number;
  if (node.uid === creds.uid) bits = (node.mode >> 6) & 7;
  else if (node.gid === creds.gid || creds.groups.includes(node.gid)) bits = (node.mode >> 3) & 7;
  else bits = node.mode & 7;
  return (bits & want) === want;
}

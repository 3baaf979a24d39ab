/**
 * Calls `edit` on every node of a just-bash AST, in place, a node before its children: what an
 * edit puts into a node is walked too, as the transform plugins expect.
 */
export function editAstNodes(node: unknown, edit: (obj: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) editAstNodes(n, edit);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const obj = node as Record<string, unknown>;
  edit(obj);
  for (const v of Object.values(obj)) if (v !== null && typeof v === "object") editAstNodes(v, edit);
}

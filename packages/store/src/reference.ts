/**
 * The reference store's file, repositories.json (moby reference/store.go). References are parsed
 * by @tsbuild/image (distribution/reference rules), re-exported here for the store's modules.
 */
import { familiarString, type NamedRef } from "@tsbuild/image";

export { InvalidReferenceError, parseNamed, familiarString, withDefaultTag, splitStored, type NamedRef } from "@tsbuild/image";

export interface RepositoriesFile {
  Repositories: Record<string, Record<string, string>>;
}

export class CorruptStoreError extends Error {}

const ID_RE = /^sha256:[a-f0-9]{64}$/;

export function parseRepositories(text: string, where: string): RepositoriesFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CorruptStoreError(`corrupt ${where}: ${(e as Error).message}`);
  }
  const repos = (v as { Repositories?: unknown } | null)?.Repositories;
  if (typeof v !== "object" || v === null || typeof repos !== "object" || repos === null || Array.isArray(repos)) {
    throw new CorruptStoreError(`corrupt ${where}: no "Repositories" object`);
  }
  for (const [name, refs] of Object.entries(repos)) {
    if (typeof refs !== "object" || refs === null || Array.isArray(refs)) {
      throw new CorruptStoreError(`corrupt ${where}: repository ${JSON.stringify(name)} is not an object`);
    }
    for (const [ref, id] of Object.entries(refs)) {
      if (typeof id !== "string" || !ID_RE.test(id)) {
        throw new CorruptStoreError(`corrupt ${where}: ${JSON.stringify(ref)} does not map to an image ID`);
      }
    }
  }
  return v as RepositoriesFile;
}

/** json.Marshal of the reference store: map keys sorted, no trailing newline. */
export function serializeRepositories(r: RepositoriesFile): string {
  const sorted: Record<string, Record<string, string>> = {};
  for (const name of Object.keys(r.Repositories).sort()) {
    const inner: Record<string, string> = {};
    for (const ref of Object.keys(r.Repositories[name]).sort()) inner[ref] = r.Repositories[name][ref];
    sorted[name] = inner;
  }
  return JSON.stringify({ Repositories: sorted });
}

/** Pure operations on the reference store's data. */
export const refs = {
  get(r: RepositoriesFile, ref: NamedRef): string | undefined {
    return r.Repositories[ref.name]?.[familiarString(ref)];
  },
  set(r: RepositoriesFile, ref: NamedRef, id: string): void {
    (r.Repositories[ref.name] ??= {})[familiarString(ref)] = id;
  },
  delete(r: RepositoriesFile, ref: NamedRef): boolean {
    const repo = r.Repositories[ref.name];
    const key = familiarString(ref);
    if (!repo || !(key in repo)) return false;
    delete repo[key];
    if (Object.keys(repo).length === 0) delete r.Repositories[ref.name];
    return true;
  },
  /** Every reference to id, familiar strings sorted (reference store's lexicalRefs). */
  of(r: RepositoriesFile, id: string): string[] {
    const out: string[] = [];
    for (const repo of Object.values(r.Repositories)) {
      for (const [ref, target] of Object.entries(repo)) if (target === id) out.push(ref);
    }
    return out.sort();
  },
};

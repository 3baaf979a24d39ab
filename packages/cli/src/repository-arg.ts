import { repositoryRef, type RepositoryRef } from "@tsbuild/registry";
import { InvalidReferenceError } from "@tsbuild/store";
import { checkArgCount, UsageError } from "./command.js";

/**
 * The one NAME[:TAG|@DIGEST] argument of pull and push: docker's CLI refuses a wrong count or an
 * invalid name as a usage error before it talks to any registry.
 */
export function repositoryArg(command: string, usage: string, positionals: string[]): RepositoryRef {
  checkArgCount({ name: command, usage }, positionals.length, 1);
  try {
    return repositoryRef(positionals[0]!);
  } catch (e) {
    if (e instanceof InvalidReferenceError) throw new UsageError(e.message);
    throw e;
  }
}

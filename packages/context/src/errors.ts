/** Any failure about the build context: a missing or forbidden source, a bad .dockerignore, a bad tar. */
export class ContextError extends Error {
  constructor(
    message: string,
    /** For a source that is not there: the context path it names, symlinks followed (BuildKit reports that one). */
    readonly missing?: string,
  ) {
    super(message);
    this.name = "ContextError";
  }
}

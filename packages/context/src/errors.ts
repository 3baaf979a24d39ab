/** Any failure about the build context: a missing or forbidden source, a bad .dockerignore, a bad tar. */
export class ContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContextError";
  }
}

/** A models file that cannot be used; the message names the file, line, model and field. */
export class ModelsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelsFileError";
  }
}

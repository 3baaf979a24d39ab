/** "No such image: x", Docker's words for an unknown image or reference. */
export class NoSuchImageError extends Error {
  constructor(readonly ref: string) {
    super(`No such image: ${ref}`);
  }
}

/** Docker's imageDeleteConflict. */
export class ImageDeleteConflictError extends Error {
  constructor(shortId: string, readonly hard: boolean, reason: string) {
    super(`conflict: unable to delete ${shortId} (${hard ? "cannot be forced" : "must be forced"}) - ${reason}`);
  }
}

/** An image config the image store refuses (moby image.NewFromJSON / store.Create). */
export class InvalidImageError extends Error {}

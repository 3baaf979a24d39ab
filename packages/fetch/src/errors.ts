/** Why a download failed; `url` is always the URL asked for, so every message can name it. */
export type FetchErrorCode =
  | "offline-miss" // --offline / TSBUILD_OFFLINE=1 and the cache does not hold the URL
  | "network-disabled" // RUN --network=none: no request is made, as in a container without network
  | "network" // DNS, connection, TLS or timeout failure after the retries
  | "http" // the server answered with a status >= 400
  | "too-large" // the body passed the size cap
  | "digest-mismatch" // the bytes do not have the expected sha256
  | "bad-url";

export class FetchError extends Error {
  constructor(
    readonly code: FetchErrorCode,
    readonly url: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "FetchError";
  }
}

export function isFetchError(e: unknown): e is FetchError {
  return e instanceof FetchError;
}

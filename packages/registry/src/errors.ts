/** Anything a registry did wrong or refused; the message names the URL or digest involved. */
export class RegistryError extends Error {
  constructor(message: string, readonly status?: number, readonly code?: string) {
    super(message);
    this.name = "RegistryError";
  }
}

/** A blob or manifest whose bytes are not what its digest promises. */
export class DigestMismatchError extends RegistryError {}

/** No network was wanted (--offline, TSBUILD_OFFLINE=1) or none could be reached. */
export class OfflineError extends RegistryError {}

/** The registry's error body (`{"errors":[{"code","message"}]}`) as Docker prints it: `code: message`. */
export function describeErrorBody(body: string): { code?: string; text?: string } {
  try {
    const v = JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> };
    const first = v.errors?.[0];
    if (first && (first.code || first.message)) {
      const code = first.code?.toLowerCase().replace(/_/g, " ");
      return { code: first.code, text: [code, first.message].filter(Boolean).join(": ") };
    }
  } catch {
    // not JSON: fall back to the status line
  }
  return {};
}

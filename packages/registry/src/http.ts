import { describeErrorBody, RegistryError } from "./errors.js";

/** Reads a response body, refusing it once it passes `max` bytes. */
export async function readCapped(res: Response, max: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new RegistryError(`${what} is ${declared} bytes, more than the ${max} allowed`);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of res.body ?? []) {
      n += c.length;
      if (n > max) {
        await res.body?.cancel().catch(() => undefined);
        throw new RegistryError(`${what} is more than the ${max} bytes allowed`);
      }
      chunks.push(Buffer.from(c));
    }
  } catch (e) {
    if (e instanceof RegistryError) throw e;
    throw new RegistryError(`${what}: the connection broke: ${causeText(e)}`);
  }
  return Buffer.concat(chunks);
}

export function causeText(e: unknown): string {
  const c = (e as { cause?: { message?: string } }).cause;
  return c?.message ?? (e as Error).message;
}

/** A non-success answer in Docker's words. */
export async function httpError(res: Response, path: string, display: string): Promise<RegistryError> {
  const body = await res.text().catch(() => "");
  const detail = describeErrorBody(body);
  const what = detail.text ?? `${res.status} ${res.statusText}`;
  switch (res.status) {
    case 401:
    case 403:
      return new RegistryError(
        `pull access denied for ${display.replace(/@.*$/, "").replace(/:[^/:]*$/, "")}, repository does not exist or may require 'docker login': ${detail.text ?? "denied: requested access to the resource is denied"}`,
        res.status, detail.code ?? "DENIED");
    case 429:
      return new RegistryError(`toomanyrequests: the registry refused with 429 Too Many Requests for ${path}${detail.text ? ": " + detail.text : ""}`, 429, "TOOMANYREQUESTS");
    default:
      return new RegistryError(`received unexpected HTTP status: ${res.status} ${res.statusText} for ${path}${detail.text ? ": " + what : ""}`, res.status, detail.code);
  }
}

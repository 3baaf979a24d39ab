import { FetchError } from "./errors.js";

export interface HttpResult {
  /** The URL that answered, after redirects. */
  finalUrl: string;
  status: number;
  bytes: Buffer;
  contentType?: string;
}

export interface HttpOptions {
  maxBytes: number;
  maxRedirects: number;
  timeoutMs: number;
  headers?: Record<string, string>;
}

/**
 * One GET, following redirects itself (so their number is capped and a redirect to a scheme
 * other than http/https is refused), reading the body under a size cap. Status >= 400 is an
 * answer, not an error: the caller decides (curl without -f still writes the error page).
 */
export async function httpGet(url: string, o: HttpOptions): Promise<HttpResult> {
  let current = url;
  for (let hop = 0; ; hop++) {
    let parsed: URL;
    try {
      parsed = new URL(current);
    } catch {
      throw new FetchError("bad-url", url, `${current}: not a valid URL`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new FetchError("bad-url", url, `${current}: only http and https downloads are supported`);
    }
    let res: Response;
    try {
      res = await fetch(current, { redirect: "manual", headers: o.headers, signal: AbortSignal.timeout(o.timeoutMs) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new FetchError("network", url, `${current}: ${why}`);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get("location")) {
      await res.body?.cancel();
      if (hop >= o.maxRedirects) throw new FetchError("http", url, `${url}: more than ${o.maxRedirects} redirects`, res.status);
      current = new URL(res.headers.get("location")!, current).toString();
      continue;
    }
    const declared = Number(res.headers.get("content-length") ?? NaN);
    if (declared > o.maxBytes) {
      await res.body?.cancel();
      throw new FetchError("too-large", url, `${current}: ${declared} bytes is over the ${o.maxBytes}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        let r;
        try {
          r = await reader.read();
        } catch (e) {
          throw new FetchError("network", url, `${current}: ${(e as Error).message}`);
        }
        if (r.done) break;
        size += r.value.length;
        if (size > o.maxBytes) {
          await reader.cancel();
          throw new FetchError("too-large", url, `${current}: more than the ${o.maxBytes}-byte limit`);
        }
        chunks.push(Buffer.from(r.value));
      }
    }
    const contentType = res.headers.get("content-type") ?? undefined;
    return { finalUrl: current, status: res.status, bytes: Buffer.concat(chunks), contentType };
  }
}

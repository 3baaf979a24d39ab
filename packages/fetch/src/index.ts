export { ContentCache, sha256Hex, type UrlRecord } from "./cache.js";
export { FetchError, isFetchError, type FetchErrorCode } from "./errors.js";
export { Fetcher, defaultContentDir, offlineFromEnv, reachable, type FetcherOptions, type FetchResult, type GetOptions } from "./fetcher.js";
export { httpGet, type HttpResult } from "./http.js";

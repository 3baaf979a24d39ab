export { addV2Metadata, diffIDByDigest, v2Metadata, v2MetadataHMAC, v2MetadataHMACKey, type HmacAuth, type V2Metadata } from "./metadata.js";
export { addPulledReferences } from "./refs.js";
export { writePulledImage, type PulledImage, type PulledLayer } from "./pull.js";
export { CacheFromSources } from "./cache-from.js";

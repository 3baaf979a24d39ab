/** For pkgsim's own tests: the pieces of the real-archive path that have no public API. */
export { compareVersions, satisfies } from "./version.js";
export { ArchiveIndex, parsePackages } from "./index-file.js";
export { readDeb } from "./debfile.js";
export { configureCaCertificates } from "../helpers/ca-certificates.js";
export { registerDebconf } from "../helpers/debconf.js";
export { writeLdCache, elfSoname } from "../helpers/ldconfig.js";

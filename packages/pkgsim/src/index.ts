export { simulatedBinaries, simulatedBinariesWith, type BinariesOptions } from "./binaries.js";
export { catalog, extendCatalog, DISTROS } from "./catalog/load.js";
export type { Catalog, CatalogFile, Distro, PackageInfo, PackageInput } from "./catalog/types.js";
export type { SimCommand, SimCommandContext } from "./sim-types.js";
export { apk } from "./apk/command.js";
export { apt, aptGet } from "./deb/apt.js";
export { dpkg } from "./deb/dpkg.js";
export { parseParagraphs, serializeParagraphs, parseRelations, type Paragraph } from "./deb/control.js";
export { parseInstalled, serializeInstalled, type InstalledPackage } from "./apk/db.js";

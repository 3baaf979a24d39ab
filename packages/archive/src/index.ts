export { compressionOf, SNIFF_BYTES, type Compression } from "./sniff.js";
export { openCompressed, decompress, type DecompressOptions, type Opened } from "./decompress.js";
export { ExpansionLimitError, ArchiveFormatError, formatBytes } from "./errors.js";
export { defaultMemoryLimit, parseMemory } from "./limit.js";
export { ByteReader } from "./byte-reader.js";
export { toBuffer, chunksOf, type ByteSource } from "./bytes.js";
export {
  BLOCK, MAX_SPECIAL_FILE_SIZE, TarFormatError, decodeHeader, decodeLongName, decodeName, isHeaderOnly, isZeroBlock, padding,
  parseNumeric, parsePax, type RawHeader,
} from "./tar-header.js";
export { foldMember, walkTar, type TarEntry, type TarVisitor } from "./tar-reader.js";
export { forEachChunkEntry, type ChunkEntry } from "./chunk-walk.js";
export { readTar, startsWithTar, type EntryHandler } from "./read.js";
export * from "./deflate/index.js";
export { encodeHeader, zeroPadding, END_OF_ARCHIVE, type TarHeader } from "./tar-writer.js";
export { writeTar, type TarFile, type TarFileType } from "./write-tar.js";

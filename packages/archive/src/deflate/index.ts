export { BitWriter } from "./bit-writer.js";
export { crc32 } from "./crc32.js";
export { deflateRaw, DeflateState, GNU_LEVELS, type Engine, type LevelConfig } from "./lz.js";
export {
  BUSYBOX_BUILD, busyboxEngine, busyboxGzip, GNU_GZIP, gnuGzip, type BusyboxBuild, type BusyboxGzipOptions, type GnuGzipOptions,
} from "./gzip.js";

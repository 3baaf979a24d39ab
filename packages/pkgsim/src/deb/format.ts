/** apt's SizeToStr: 1000-based units, 3-4 significant digits ("8808 B", "63.5 kB", "6132 kB", "15.8 MB"). */
export function sizeToStr(bytes: number): string {
  const units = ["", "k", "M", "G", "T", "P"];
  let size = bytes;
  for (let i = 0; i < units.length; i++) {
    if (size < 100 && i !== 0) return `${size.toFixed(1)} ${units[i]}B`;
    if (size < 10000) return `${size.toFixed(0)} ${units[i]}B`;
    size /= 1000;
  }
  return `${size.toFixed(0)} EB`;
}

/** A .deb's file name as apt stores it: the epoch's ":" is escaped. */
export function debFileName(name: string, version: string, arch: string): string {
  return `${name}_${version.replace(":", "%3a")}_${arch}.deb`;
}

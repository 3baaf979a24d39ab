import type { FileSystem, RootFS } from "@tsbuild/fs-snapshot";
import { resolvePath } from "../util/paths.js";
import type { VirtualMounts } from "./virtual-mounts.js";
import { type ReadOnlyMounts, VolumeFs, VolumeMountError } from "./volume-fs.js";

/**
 * Mount the step's VOLUMEs as Docker's container creation does. A volume over the image becomes
 * part of a VolumeFs (returned in place of `image`); one inside /dev or /sys is an empty scratch
 * directory of the mounts there (nothing of it could reach the layer); runc refuses one inside
 * /proc. Throws VolumeMountError when the container could not be created.
 */
export function mountVolumes(image: FileSystem, paths: readonly string[], mounts: VirtualMounts, now?: () => Date, given?: ReadonlyMap<string, RootFS>, readOnly: ReadOnlyMounts = {}): FileSystem {
  const overImage: string[] = [];
  for (const given of paths) {
    const path = resolvePath("/", given);
    if (!mounts.inMountedTree(path)) {
      overImage.push(given);
      continue;
    }
    if (path === "/proc" || path.startsWith("/proc/")) {
      throw new VolumeMountError(`cannot mount volume at ${path}: runc does not mount anything inside /proc`);
    }
    const existing = mounts.get(path);
    if (existing && existing.kind !== "dir") throw new VolumeMountError(`cannot mount volume over existing file, file exists ${path}`);
    mounts.mountVolume(path);
  }
  return overImage.length > 0 || (readOnly.files?.length ?? 0) > 0 ? VolumeFs.mount(image, overImage, now, given, readOnly) : image;
}

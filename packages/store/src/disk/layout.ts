import { join } from "node:path";
import { hexOf, type Digest } from "@tsbuild/image";

/** Where each part of a /var/lib/docker-style root lives (overlay2 driver). */
export class Layout {
  readonly image: string;
  readonly repositories: string;
  readonly imageContent: string;
  readonly imageMetadata: string;
  readonly layerdb: string;
  readonly layerdbTmp: string;
  readonly distribution: string;
  readonly overlay: string;
  readonly links: string;
  readonly lock: string;

  constructor(readonly root: string) {
    this.image = join(root, "image", "overlay2");
    this.repositories = join(this.image, "repositories.json");
    this.imageContent = join(this.image, "imagedb", "content", "sha256");
    this.imageMetadata = join(this.image, "imagedb", "metadata", "sha256");
    this.layerdb = join(this.image, "layerdb", "sha256");
    this.layerdbTmp = join(this.image, "layerdb", "tmp");
    this.distribution = join(this.image, "distribution");
    this.overlay = join(root, "overlay2");
    this.links = join(this.overlay, "l");
    // Not a Docker file: tsbuild's writer lock (a directory naming its holder, disk/lock.ts).
    this.lock = join(root, "tsbuild.lock");
  }

  contentFile(id: Digest): string {
    return join(this.imageContent, hexOf(id));
  }
  metadataDir(id: Digest): string {
    return join(this.imageMetadata, hexOf(id));
  }
  layerDir(chainID: Digest): string {
    return join(this.layerdb, hexOf(chainID));
  }
  driverDir(cacheID: string): string {
    return join(this.overlay, cacheID);
  }
  diffDir(cacheID: string): string {
    return join(this.overlay, cacheID, "diff");
  }
}

import { createHash } from "node:crypto";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import { parseSri } from "./integrity.js";
import { mkdirs } from "./extract.js";

type Owner = { uid: number; gid: number };

/**
 * npm's content-addressed cache (cacache 17, make-fetch-happen 11) as npm 9 leaves it after
 * fetching a tarball: `content-v2/<algo>/<xx>/<yy>/<rest>` (mode 0444, as cacache makes content
 * read-only) and an index bucket `index-v5/<xx>/<yy>/<rest of sha256(key)>` holding
 * "\n<sha1(json)>\t<json>" lines, and an empty `tmp/`. Checked against a Docker build of npm 9.2.
 */
export class Cacache {
  constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    private readonly owner: Owner,
  ) {}

  /** The cached bytes for a tarball URL whose integrity is known, if the image's cache holds them. */
  get(integrity: string): Buffer | undefined {
    for (const h of parseSri(integrity)) {
      const p = this.contentPath(h.algorithm, Buffer.from(h.digest, "base64").toString("hex"));
      if (this.fs.exists(p)) return this.fs.readFile(p);
    }
    return undefined;
  }

  /** `reqHeaders`: what make-fetch-happen keeps of the request (a packument's `accept`; nothing for a tarball). */
  put(url: string, data: Buffer, integrity: string, now: Date, contentType = "application/octet-stream", reqHeaders: Record<string, string> = {}): void {
    const want = parseSri(integrity)[0] ?? { algorithm: "sha512", digest: "" };
    const hex = createHash(want.algorithm).update(data).digest("hex");
    const content = this.contentPath(want.algorithm, hex);
    this.mkdir(content.slice(0, content.lastIndexOf("/")));
    // cacache writes through a temporary file in tmp/ and moves it into place: tmp/ changes too
    this.mkdir(`${this.dir}/tmp`);
    const tmp = `${this.dir}/tmp/tsbuild-${hex.slice(0, 8)}`;
    this.fs.writeFile(tmp, "", { mode: 0o644, owner: this.owner });
    this.fs.unlink(tmp);
    if (!this.fs.exists(content)) this.fs.writeFile(content, data, { mode: 0o444, owner: this.owner });
    this.fs.chmod(content, 0o444);
    const key = `make-fetch-happen:request-cache:${url}`;
    const t = now.getTime();
    const entry = {
      key,
      integrity,
      time: t,
      size: data.length,
      metadata: {
        time: t,
        url,
        reqHeaders,
        resHeaders: { "content-type": contentType, date: now.toUTCString() },
        options: { compress: true },
      },
    };
    const json = JSON.stringify(entry);
    const line = `\n${createHash("sha1").update(json).digest("hex")}\t${json}`;
    const bucket = this.bucketPath(key);
    this.mkdir(bucket.slice(0, bucket.lastIndexOf("/")));
    this.fs.writeFile(bucket, line, { mode: 0o644, owner: this.owner, append: true });
    this.mkdir(`${this.dir}/tmp`);
  }

  private contentPath(algorithm: string, hex: string): string {
    return `${this.dir}/content-v2/${algorithm}/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex.slice(4)}`;
  }

  private bucketPath(key: string): string {
    const h = createHash("sha256").update(key).digest("hex");
    return `${this.dir}/index-v5/${h.slice(0, 2)}/${h.slice(2, 4)}/${h.slice(4)}`;
  }

  private mkdir(p: string): void {
    mkdirs(this.fs, p, 0o755, this.owner);
  }
}

/**
 * What tsbuild remembers about the step that committed an image, beside Docker's own files
 * (Docker keeps none of it): the Dockerfile line behind a history entry, and for COPY/ADD the
 * per-path content hashes that explain a later cache miss.
 */
export interface BuildRecord {
  /** The Dockerfile as the user named it ("Dockerfile", "ci/Dockerfile.prod"). */
  dockerfile: string;
  /** 1-based line range and text of the instruction (Docker's `Step N/M :` text). */
  line: number;
  endLine: number;
  text: string;
  /** Instruction keyword, upper case. */
  kind: string;
  stage: number;
  /** COPY/ADD from the context: path (relative to the context) → content hash. */
  sources?: Record<string, string>;
  /** Build args the step saw (RUN), KEY → value. */
  buildArgs?: Record<string, string>;
  /** ONBUILD trigger run on behalf of the base image. */
  trigger?: boolean;
  /** BuildKit mode: the content-based cache keys this build computed and the layers each gave. */
  buildkitCache?: Array<{ key: string; diffIDs: string[] }>;
}

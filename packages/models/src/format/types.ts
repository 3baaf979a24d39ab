import type { ArgsPattern } from "../match/pattern.js";
import type { Template } from "../match/template.js";

/** Lockfile formats a `packages` entry reads. */
export type PackageFormat = "npm" | "pip";

/** A path that must exist before the command runs, else it fails with the message. */
export interface NeedDecl {
  /** Candidates: any one existing is enough. */
  paths: Template[];
  message: string;
  exitCode: number;
}

/** One thing a model creates. */
export interface CreateDecl {
  /** One path, or candidates: the first that exists in the image is used. */
  paths: Template[];
  /** A tree of this many files (absent: one file of `bytes`). */
  files?: number;
  bytes?: number;
  /** Mode of the created file(s), default 0644. */
  mode?: number;
  /** Copy this path (file or tree) instead. */
  from?: Template;
  /** A URL whose size the file's `downloads` table declares (else `bytes`). */
  download?: Template;
  /** One directory per package of a lockfile (or a plain tree sized by the package count). */
  packages?: { lockfile: Template; format: PackageFormat; files: number; bytes: number; layout: "per-package" | "plain" };
}

/** A validated model declaration. */
export interface ModelDecl {
  name: string;
  description?: string;
  /** Program names it stands for. */
  programs: string[];
  /** Argument patterns, any of which may match. */
  patterns: ArgsPattern[];
  /** Arguments the model does not cover, although a pattern matches them. */
  unless: ArgsPattern[];
  override: boolean;
  needs: NeedDecl[];
  removes: Template[];
  creates: CreateDecl[];
  stdout?: Template;
  /** Where it was declared: "tsbuild.models.json:12", or "built-in". */
  source: string;
}

/** A validated models file. */
export interface ModelsFile {
  /** The name messages use ("tsbuild.models.json", "built-in"). */
  name: string;
  models: ModelDecl[];
  /** Declared sizes of downloads, by URL. */
  downloads: Map<string, number>;
}

import { createRequire } from "node:module";
import type { z as Z } from "zod";
import { ArgsPattern } from "../match/pattern.js";
import { Template } from "../match/template.js";
import { parseBytes } from "./bytes.js";
import type { CreateDecl, ModelDecl, NeedDecl, PackageFormat } from "./types.js";

let built: ReturnType<typeof buildSchema> | undefined;

/**
 * The models file schema, built on first use: zod (95 modules) is required only when a user's
 * models file is read, never for tsbuild's own models, which are validated at build time
 * (scripts/compile-builtin.mjs).
 */
export function modelsFileSchema() {
  return (built ??= buildSchema((createRequire(import.meta.url)("zod") as typeof import("zod")).z));
}

function buildSchema(z: typeof Z) {
  /** Turns a constructor that throws on bad input into a zod transform that reports it. */
  function compiledBy<T>(make: (s: string) => T) {
    return (s: string, ctx: Z.RefinementCtx<string>): T => {
      try {
        return make(s);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
        return z.NEVER;
      }
    };
  }

  /** A string, or a list of them, as a list. */
  function oneOrMany<T extends Z.ZodType>(item: T) {
    return z.preprocess((v) => (typeof v === "string" ? [v] : v), z.array(item).min(1, "must not be an empty list"));
  }

  const nonEmptyText = z.string({ error: "must be a text" }).min(1, "must not be empty");
  const template = nonEmptyText.transform(compiledBy((s) => new Template(s)));
  const pattern = z.string({ error: "must be a text" }).transform(compiledBy((s) => new ArgsPattern(s)));

  const bytes = z.unknown().transform((v, ctx) => {
    const n = typeof v === "number" || typeof v === "string" ? parseBytes(v) : undefined;
    if (n !== undefined) return n;
    ctx.addIssue({ code: "custom", message: `must be a size: whole bytes (1234) or a number and a unit ("45.6 MB", "120 kB", "1.5 GiB"), not ${JSON.stringify(v)}` });
    return z.NEVER;
  });

  const count = z.number({ error: "must be a whole number" }).int("must be a whole number").min(0, "must not be negative");

  const mode = z
    .string({ error: 'must be an octal mode in quotes, like "0755"' })
    .regex(/^0?[0-7]{3,4}$/, 'must be an octal mode like "0755"')
    .transform((s) => parseInt(s, 8));

  const programName = nonEmptyText.refine((s) => !s.includes("/") && !/\s/.test(s), "must be a program name (no slash, no spaces)");

  const need = z
    .strictObject({
      path: oneOrMany(template),
      message: nonEmptyText,
      exitCode: z.number({ error: "must be a whole number" }).int().min(1, "must be 1 to 255").max(255, "must be 1 to 255").optional(),
    })
    .transform((n): NeedDecl => ({ paths: n.path, message: n.message, exitCode: n.exitCode ?? 1 }));

  const FORMATS: PackageFormat[] = ["npm", "pip"];

  const packages = z.strictObject({
    lockfile: template,
    format: z.enum(FORMATS, { error: `must be one of ${FORMATS.map((f) => `"${f}"`).join(", ")}` }),
    files: count.min(1, "must be at least 1"),
    bytes,
    layout: z.enum(["per-package", "plain"], { error: 'must be "per-package" or "plain"' }).optional(),
  });

  const create = z
    .strictObject({
      path: oneOrMany(template),
      files: count.optional(),
      bytes: bytes.optional(),
      mode: mode.optional(),
      from: template.optional(),
      download: template.optional(),
      packages: packages.optional(),
    })
    .superRefine((c, ctx) => {
      const fail = (message: string) => ctx.addIssue({ code: "custom", message });
      if (c.from && (c.files !== undefined || c.bytes !== undefined || c.packages || c.download)) {
        fail('"from" copies a path: it takes no "files", "bytes", "packages" or "download"');
      } else if (!c.from && !c.packages && c.bytes === undefined) {
        fail('say what to create: "bytes" (and "files" for a tree of files), "from" (a copy) or "packages" (from a lockfile)');
      } else if (c.packages && (c.files === undefined) !== (c.bytes === undefined)) {
        fail('with "packages", "files" and "bytes" (used when the lockfile is missing) come together');
      } else if (c.download && c.files !== undefined) {
        fail('"download" sizes one file: it takes no "files"');
      } else if (c.files === 0 && (c.bytes ?? 0) > 0) {
        fail('"files": 0 cannot hold any "bytes"');
      }
    })
    .transform(
      (c): CreateDecl => ({
        paths: c.path,
        files: c.files,
        bytes: c.bytes,
        mode: c.mode,
        from: c.from,
        download: c.download,
        packages: c.packages && { ...c.packages, layout: c.packages.layout ?? "per-package" },
      }),
    );

  const model = z
    .strictObject({
      name: nonEmptyText.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be letters, digits, '.', '_' or '-'"),
      description: z.string({ error: "must be a text" }).optional(),
      command: oneOrMany(programName),
      args: oneOrMany(pattern).optional(),
      unless: oneOrMany(pattern).optional(),
      override: z.boolean({ error: "must be true or false" }).optional(),
      needs: z.array(need).optional(),
      removes: z.array(template).optional(),
      creates: z.array(create).optional(),
      stdout: z.string({ error: "must be a text" }).transform(compiledBy((s) => new Template(s))).optional(),
    })
    .transform((m, ctx): Omit<ModelDecl, "source"> => {
      const patterns = m.args ?? [new ArgsPattern("...")];
      // A variable must be bound whichever pattern matched.
      const bound = new Set([...patterns[0].captures].filter((c) => patterns.every((p) => p.captures.has(c))));
      const check = (t: Template | undefined, where: (string | number)[]) => {
        const unknown = t?.unknownVariables(bound) ?? [];
        if (unknown.length) {
          ctx.addIssue({
            code: "custom",
            path: where,
            message: `{${unknown[0]}} is not a capture of ${patterns.length > 1 ? 'every pattern in "args"' : '"args"'} (nor cwd or home)`,
          });
        }
      };
      m.needs?.forEach((n, i) => n.paths.forEach((p, j) => check(p, ["needs", i, "path", j])));
      m.removes?.forEach((r, i) => check(r, ["removes", i]));
      m.creates?.forEach((c, i) => {
        c.paths.forEach((p, j) => check(p, ["creates", i, "path", j]));
        check(c.from, ["creates", i, "from"]);
        check(c.download, ["creates", i, "download"]);
        check(c.packages?.lockfile, ["creates", i, "packages", "lockfile"]);
      });
      check(m.stdout, ["stdout"]);
      return {
        name: m.name,
        description: m.description,
        programs: m.command,
        patterns,
        unless: m.unless ?? [],
        override: m.override ?? false,
        needs: m.needs ?? [],
        removes: m.removes ?? [],
        creates: m.creates ?? [],
        stdout: m.stdout,
      };
    });

  return z.strictObject({
    models: z.array(model, { error: 'must be a list of models ("models": [ {...}, ... ])' }),
    downloads: z.record(z.string(), bytes).optional(),
  });
}

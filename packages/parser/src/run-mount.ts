// RUN --mount, validated at parse time as Docker 20.10 does (buildkit v0.8
// commands_runmount.go). The classic builder then refuses to run it ("the --mount option
// requires BuildKit"), but a malformed mount is a parse error first.

import { InstructionError } from "./errors.js";
import { toLower } from "./go-text.js";
import { goQuote } from "@tsbuild/dockerfmt";

export type MountType = "bind" | "cache" | "tmpfs" | "secret" | "ssh";

export interface RunMount {
  type: MountType;
  from?: string;
  source?: string;
  target?: string;
  readOnly: boolean;
  cacheId?: string;
  cacheSharing?: "shared" | "private" | "locked";
  required: boolean;
  mode?: number;
  uid?: number;
  gid?: number;
}

const mountTypes = new Set<string>(["bind", "cache", "tmpfs", "secret", "ssh"]);
const sharingModes = new Set<string>(["shared", "private", "locked"]);

const fail = (message: string): never => {
  throw new InstructionError(message);
};

/** One record of Go's encoding/csv reader (comma-separated, "..." quoting with "" for a quote). */
export function readCsvRecord(line: string): string[] {
  const csvError = (column: number, what: string) =>
    fail(`failed to parse csv mounts: parse error on line 1, column ${column}: ${what}`);
  if (line === "") fail("failed to parse csv mounts: EOF");
  const bytes = (s: string) => Buffer.byteLength(s, "utf8");
  const fields: string[] = [];
  let pos = 0;
  for (;;) {
    if (line[pos] !== '"') {
      const comma = line.indexOf(",", pos);
      const field = line.slice(pos, comma < 0 ? line.length : comma);
      const quote = field.indexOf('"');
      if (quote >= 0) csvError(bytes(line.slice(0, pos + quote)) + 1, 'bare " in non-quoted-field');
      fields.push(field);
      if (comma < 0) return fields;
      pos = comma + 1;
      continue;
    }
    let field = "";
    pos++;
    for (;;) {
      const quote = line.indexOf('"', pos);
      if (quote < 0) {
        // The input ends inside quotes: Go's reader takes the field as it is.
        fields.push(field + line.slice(pos));
        return fields;
      }
      field += line.slice(pos, quote);
      pos = quote + 1;
      if (line[pos] === '"') {
        field += '"';
        pos++;
      } else if (line[pos] === ",") {
        fields.push(field);
        pos++;
        break;
      } else if (pos === line.length) {
        fields.push(field);
        return fields;
      } else {
        csvError(bytes(line.slice(0, pos - 1)) + 1, 'extraneous or missing " in quoted-field');
      }
    }
  }
}

function parseBool(key: string, value: string): boolean {
  // strconv.ParseBool
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return fail(`invalid value for ${key}: ${value}`);
}

function parseUint(value: string, base: 8 | 10, what: string): number {
  const digits = base === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  // strconv.ParseUint(value, base, 32); an "0o"/"0x" prefix is only accepted with base 0.
  const n = digits.test(value) ? parseInt(value, base) : NaN;
  if (!Number.isFinite(n) || n > 0xffffffff) fail(`invalid value ${value} for ${what}`);
  return n;
}

/** Docker's parseMount for one `--mount=` value. */
export function parseMount(value: string): RunMount {
  const m: RunMount = { type: "bind", readOnly: false, required: false };
  let roAuto = true;
  for (const field of readCsvRecord(value)) {
    const eq = field.indexOf("=");
    const key = toLower(eq < 0 ? field : field.slice(0, eq));
    if (eq < 0) {
      if (key === "readonly" || key === "ro") {
        m.readOnly = true;
        roAuto = false;
        continue;
      }
      if (key === "readwrite" || key === "rw") {
        m.readOnly = false;
        roAuto = false;
        continue;
      }
      if (key === "required") {
        if (m.type === "secret" || m.type === "ssh") {
          m.required = true;
          continue;
        }
        fail(`unexpected key '${key}' for mount type '${m.type}'`);
      }
      fail(`invalid field '${field}' must be a key=value pair`);
    }
    const v = field.slice(eq + 1);
    switch (key) {
      case "type":
        if (!mountTypes.has(toLower(v))) fail(`unsupported mount type ${goQuote(v)}`);
        m.type = toLower(v) as MountType;
        break;
      case "from":
        m.from = v;
        break;
      case "source":
      case "src":
        m.source = v;
        break;
      case "target":
      case "dst":
      case "destination":
        m.target = v;
        break;
      case "readonly":
      case "ro":
        m.readOnly = parseBool(key, v);
        roAuto = false;
        break;
      case "readwrite":
      case "rw":
        m.readOnly = !parseBool(key, v);
        roAuto = false;
        break;
      case "required":
        if (m.type !== "secret" && m.type !== "ssh") fail(`unexpected key '${key}' for mount type '${m.type}'`);
        m.required = parseBool(key, v);
        break;
      case "id":
        m.cacheId = v;
        break;
      case "sharing":
        if (!sharingModes.has(toLower(v))) fail(`unsupported sharing value ${goQuote(v)}`);
        m.cacheSharing = toLower(v) as RunMount["cacheSharing"];
        break;
      case "mode":
        m.mode = parseUint(v, 8, "mode");
        break;
      case "uid":
        m.uid = parseUint(v, 10, "uid");
        break;
      case "gid":
        m.gid = parseUint(v, 10, "gid");
        break;
      default:
        fail(`unexpected key '${key}' in '${field}'`);
    }
  }
  const fileInfoAllowed = m.type === "secret" || m.type === "ssh" || m.type === "cache";
  for (const what of ["mode", "uid", "gid"] as const) {
    if (m[what] !== undefined && !fileInfoAllowed) fail(`${what} not allowed for ${goQuote(m.type)} type mounts`);
  }
  if (roAuto) m.readOnly = !(m.type === "cache" || m.type === "tmpfs");
  if (m.cacheSharing !== undefined && m.type !== "cache") fail(`invalid cache sharing set for ${m.type} mount`);
  if (m.type === "secret") {
    if (m.from !== undefined && m.from !== "") fail("secret mount should not have a from");
    if (m.cacheSharing !== undefined) fail("secret mount should not define sharing");
    if (!m.source && !m.target && !m.cacheId) fail("invalid secret mount. one of source, target required");
    if (m.source && m.cacheId) fail("both source and id can't be set");
  }
  return m;
}

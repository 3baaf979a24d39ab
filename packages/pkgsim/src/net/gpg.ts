import type * as openpgp from "openpgp";
import { loadOpenpgp } from "../util/openpgp.js";
import { FetchError, type Fetcher } from "@tsbuild/fetch";
import type { SimCommand, SimCommandContext } from "../sim-types.js";
import { lexists, mkdirp } from "../util/fsutil.js";
import { resolvePath, writeStdout } from "./write.js";

/**
 * gpg as official images use it, through openpgp: `--dearmor` (the exact bytes gpg writes),
 * `--import`, `--recv-keys` from a keyserver (HKP through the content cache), `--verify`.
 * Keys live in the home directory ($GNUPGHOME, --homedir, ~/.gnupg) as an armored file of
 * tsbuild's own, not gpg's keybox: images delete that directory, and a note says so.
 */
interface GpgArgs { cmd?: string; output?: string; homedir?: string; keyserver?: string; rest: string[] }

const WITH_VALUE = new Set(["--output", "-o", "--homedir", "--keyserver", "--keyserver-options", "--trust-model", "--status-fd", "--logger-fd", "--pinentry-mode", "--passphrase"]);
const COMMANDS = new Set(["--dearmor", "--enarmor", "--import", "--recv-keys", "--receive-keys", "--verify", "--list-keys", "--export", "-k", "--fingerprint"]);

function parse(argv: string[]): GpgArgs {
  const a: GpgArgs = { rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [opt, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (WITH_VALUE.has(opt)) {
      const v = inline ?? argv[++i];
      if (opt === "--output" || opt === "-o") a.output = v;
      else if (opt === "--homedir") a.homedir = v;
      else if (opt === "--keyserver") a.keyserver = v;
    } else if (COMMANDS.has(opt)) a.cmd = opt === "--receive-keys" ? "--recv-keys" : opt === "-k" ? "--list-keys" : opt;
    else if (arg.startsWith("-")) continue; // --batch, --yes, --no-tty, --quiet, --no-default-keyring…
    else a.rest.push(arg);
  }
  return a;
}

function home(ctx: SimCommandContext, a: GpgArgs): string {
  return resolvePath(ctx, a.homedir ?? ctx.env.GNUPGHOME ?? `${ctx.env.HOME ?? "/root"}/.gnupg`);
}

const RING = "pubring.tsbuild.asc";

async function loadRing(ctx: SimCommandContext, dir: string): Promise<openpgp.PublicKey[]> {
  const openpgp = await loadOpenpgp();
  const p = `${dir}/${RING}`;
  if (!lexists(ctx.fs, p)) return [];
  return openpgp.readKeys({ armoredKeys: ctx.fs.readFile(p).toString("utf8") });
}

function saveRing(ctx: SimCommandContext, dir: string, keys: openpgp.PublicKey[]): void {
  mkdirp(ctx.fs, dir, 0o700);
  ctx.fs.writeFile(`${dir}/${RING}`, keys.map((k) => k.armor()).join("\n"), { mode: 0o600, owner: ctx.owner });
  ctx.note?.(`gpg: keys are kept in ${dir}/${RING} (tsbuild's format, not gpg's keybox); remove the directory in the same RUN, as official images do`);
}

async function readKeysAny(data: Buffer): Promise<openpgp.PublicKey[]> {
  const openpgp = await loadOpenpgp();
  return data.includes("-----BEGIN PGP") ? openpgp.readKeys({ armoredKeys: data.toString("utf8") }) : openpgp.readKeys({ binaryKeys: new Uint8Array(data) });
}

function merge(ring: openpgp.PublicKey[], add: openpgp.PublicKey[]): openpgp.PublicKey[] {
  const out = [...ring];
  for (const k of add) if (!out.some((r) => r.getFingerprint() === k.getFingerprint())) out.push(k);
  return out;
}

function input(ctx: SimCommandContext, path: string | undefined): Buffer {
  return !path || path === "-" ? ctx.stdin : ctx.fs.readFile(resolvePath(ctx, path));
}

function output(ctx: SimCommandContext, a: GpgArgs, bytes: Uint8Array): void {
  if (!a.output || a.output === "-") writeStdout(ctx, Buffer.from(bytes));
  else ctx.fs.writeFile(resolvePath(ctx, a.output), Buffer.from(bytes), { mode: 0o644, owner: ctx.owner });
}

/** HKP: hkp:// is port 11371 over http, hkps:// is https. */
function keyserverUrl(server: string, id: string): string {
  const u = server.replace(/^hkps:\/\//, "https://").replace(/^hkp:\/\/([^/:]+)(\/|$)/, "http://$1:11371$2");
  const base = /^https?:\/\//.test(u) ? u : `https://${u}`;
  return `${base.replace(/\/+$/, "")}/pks/lookup?op=get&options=mr&search=0x${id.replace(/^0x/i, "")}`;
}

export function gpgCommand(fetcher: () => Fetcher): SimCommand {
  return async (ctx) => {
    const openpgp = await loadOpenpgp();
    const a = parse(ctx.argv.slice(1));
    const dir = home(ctx, a);
    try {
      switch (a.cmd) {
        case "--dearmor": {
          const text = input(ctx, a.rest[0]).toString("utf8");
          const { data } = await openpgp.unarmor(text);
          output(ctx, a, data as Uint8Array);
          return 0;
        }
        case "--import": {
          const add: openpgp.PublicKey[] = [];
          for (const f of a.rest.length ? a.rest : ["-"]) add.push(...(await readKeysAny(input(ctx, f))));
          saveRing(ctx, dir, merge(await loadRing(ctx, dir), add));
          for (const k of add) ctx.stderr(`gpg: key ${k.getKeyID().toHex().toUpperCase()}: public key "${k.getUserIDs()[0] ?? ""}" imported\n`);
          ctx.stderr(`gpg: Total number processed: ${add.length}\ngpg:               imported: ${add.length}\n`);
          return 0;
        }
        case "--recv-keys": {
          if (!a.keyserver) {
            ctx.stderr("gpg: keyserver receive failed: No keyserver available\n");
            return 2;
          }
          let ring = await loadRing(ctx, dir);
          for (const id of a.rest) {
            let res;
            try {
              res = await fetcher().get(keyserverUrl(a.keyserver, id));
            } catch (e) {
              if (e instanceof FetchError && e.code === "offline-miss") ctx.note?.(e.message);
              ctx.stderr(`gpg: keyserver receive failed: ${e instanceof FetchError && e.code === "network-disabled" ? "Server indicated a failure" : "No data"}\n`);
              return 2;
            }
            if (res.status >= 400) {
              ctx.stderr("gpg: keyserver receive failed: No data\n");
              return 2;
            }
            const keys = await readKeysAny(res.bytes);
            // a keyserver may answer with another key: only the one asked for is taken
            const wanted = keys.filter((k) => k.getFingerprint().toUpperCase().endsWith(id.replace(/^0x/i, "").toUpperCase()));
            if (!wanted.length) {
              ctx.stderr("gpg: keyserver receive failed: No data\n");
              return 2;
            }
            ring = merge(ring, wanted);
            for (const k of wanted) ctx.stderr(`gpg: key ${k.getKeyID().toHex().toUpperCase()}: public key "${k.getUserIDs()[0] ?? ""}" imported\n`);
          }
          saveRing(ctx, dir, ring);
          return 0;
        }
        case "--verify": {
          const ring = await loadRing(ctx, dir);
          const sigData = input(ctx, a.rest[0]);
          const armored = sigData.includes("-----BEGIN PGP SIGNATURE-----") || sigData.includes("-----BEGIN PGP SIGNED MESSAGE-----");
          let message;
          let signature;
          if (sigData.includes("-----BEGIN PGP SIGNED MESSAGE-----")) message = await openpgp.readCleartextMessage({ cleartextMessage: sigData.toString("utf8") });
          else {
            signature = armored ? await openpgp.readSignature({ armoredSignature: sigData.toString("utf8") }) : await openpgp.readSignature({ binarySignature: new Uint8Array(sigData) });
            const data = input(ctx, a.rest[1] ?? (a.rest[0]?.replace(/\.(asc|sig|sign)$/, "") || "-"));
            message = await openpgp.createMessage({ binary: new Uint8Array(data) });
          }
          const keyIDs = (signature ?? (message as openpgp.CleartextMessage)).getSigningKeyIDs();
          const ids = keyIDs.map((k) => k.toHex().toUpperCase());
          try {
            const r = await openpgp.verify({ message: message as openpgp.Message<Uint8Array>, signature, verificationKeys: ring, expectSigned: true, format: "binary" });
            const key = ring.find((k) => r.signatures.some((s) => k.getKeys(s.keyID).length));
            ctx.stderr(`gpg: Signature made using key ${ids[0] ?? ""}\ngpg: Good signature from "${key?.getUserIDs()[0] ?? ""}" [unknown]\n`);
            return 0;
          } catch (e) {
            const known = ring.some((k) => keyIDs.some((id) => k.getKeys(id).length));
            if (!known) {
              ctx.stderr(`gpg: Can't check signature: No public key\n`);
              return 2;
            }
            ctx.stderr(`gpg: BAD signature (${(e as Error).message})\n`);
            return 1;
          }
        }
        case "--list-keys": case "--fingerprint": {
          for (const k of await loadRing(ctx, dir)) ctx.stdout(`pub   ${k.getFingerprint().toUpperCase()}\nuid   ${k.getUserIDs()[0] ?? ""}\n\n`);
          return 0;
        }
        case "--export": {
          const ring = await loadRing(ctx, dir);
          const want = ring.filter((k) => !a.rest.length || a.rest.some((id) => k.getFingerprint().toUpperCase().endsWith(id.replace(/^0x/i, "").toUpperCase())));
          output(ctx, a, Buffer.concat(want.map((k) => Buffer.from(k.write()))));
          return 0;
        }
        default:
          ctx.stderr(`gpg: tsbuild's gpg does not do ${a.cmd ?? "this"} (it does --dearmor, --import, --recv-keys, --verify, --list-keys, --export)\n`);
          return 2;
      }
    } catch (e) {
      ctx.stderr(`gpg: ${(e as Error).message}\n`);
      return 2;
    }
  };
}

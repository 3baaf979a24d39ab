import type { RootFS } from "@tsbuild/fs-snapshot";
import { imageFs } from "../helpers.js";

const ROOT = { uid: 0, gid: 0 };
/** The start of an ELF file: what the shell and the models take for a real program. */
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(57)]);

function file(fs: RootFS, path: string, data: string | Buffer, mode = 0o644): void {
  fs.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o755, owner: ROOT });
  fs.writeFile(path, data, { mode, owner: ROOT });
}

/**
 * Debian bookworm's nodejs + npm as apt installs them (the shapes that matter: node an ELF
 * program, npm the npm-cli.js script of the npm package under /usr/share/nodejs), over the
 * built-in bookworm image. Node's code itself is not needed: tsbuild never runs it.
 */
export async function debianWithNpm(): Promise<RootFS> {
  const fs = await imageFs("debian:bookworm-slim");
  file(fs, "/usr/bin/node", ELF, 0o755);
  file(fs, "/usr/share/nodejs/npm/bin/npm-cli.js", "#!/usr/bin/env node\nrequire('../lib/cli.js')(process)\n", 0o755);
  file(fs, "/usr/share/nodejs/npm/package.json", '{\n  "name": "npm",\n  "version": "9.2.0"\n}\n');
  file(fs, "/usr/share/nodejs/npm/npmrc", "globalconfig=/etc/npmrc\nprefix=/usr/local\n");
  fs.symlink("../share/nodejs/npm/bin/npm-cli.js", "/usr/bin/npm", { owner: ROOT });
  return fs;
}

/** Debian bookworm's python3 + python3-pip: /usr/bin/python3.11 (ELF), the pip script, pip's package, PEP 668's marker. */
export async function debianWithPip(): Promise<RootFS> {
  const fs = await imageFs("debian:bookworm-slim");
  file(fs, "/usr/bin/python3.11", ELF, 0o755);
  fs.symlink("python3.11", "/usr/bin/python3", { owner: ROOT });
  const script = '#!/usr/bin/python3\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom pip._internal.cli.main import main\nif __name__ == "__main__":\n    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])\n    sys.exit(main())\n';
  file(fs, "/usr/bin/pip", script, 0o755);
  file(fs, "/usr/bin/pip3", script, 0o755);
  file(fs, "/usr/lib/python3/dist-packages/pip/__init__.py", '__version__ = "23.0.1"\n');
  file(fs, "/usr/lib/python3.11/EXTERNALLY-MANAGED",
    "[externally-managed]\nError=To install Python packages system-wide, try apt install\n python3-xyz, where xyz is the package you are trying to\n install.\n\n See /usr/share/doc/python3.11/README.venv for more information.\n");
  return fs;
}

/** The python official image's shape: CPython 3.12 under /usr/local, pip in its site-packages, no PEP 668 marker. */
export async function officialPython(): Promise<RootFS> {
  const fs = await imageFs("debian:bookworm-slim");
  file(fs, "/usr/local/bin/python3.12", ELF, 0o755);
  fs.symlink("python3.12", "/usr/local/bin/python3", { owner: ROOT });
  fs.symlink("python3", "/usr/local/bin/python", { owner: ROOT });
  file(fs, "/usr/local/bin/pip", "#!/usr/local/bin/python3.12\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom pip._internal.cli.main import main\n", 0o755);
  file(fs, "/usr/local/lib/python3.12/site-packages/pip/__init__.py", '__version__ = "24.0"\n');
  return fs;
}

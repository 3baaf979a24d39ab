#!/usr/bin/env python3
"""Builds `npm ci` and `pip install` steps with dockerd (classic builder, --network host) and with
tsbuild on the same real Debian bookworm root file system, and compares the RUN layers entry by
entry (path, type, mode, owner, size, content hash, link target).

    python3 bench/npm-pip-vs-docker/compare.py [--rootfs TAR] [--keep] [--only npm|pip]

Needs `pnpm build` first. Skips (exit 0, with a message) without a Docker daemon, without the
rootfs tar, when the Debian archive is unreachable, and (npm case) without an npm on this machine
or when its registry is unreachable. Host names are read from this machine's configuration
(`npm config get registry`, apt's sources), never written here.

- npm: `apt-get install nodejs npm` (Debian's npm 9.2), then `npm ci` of a lockfile of real
  registry packages that this script makes with the host's npm (`--package-lock-only`), and
  `npm install NAME@VERSION…` in an empty directory (packuments, package.json, lockfile).
- pip: `apt-get install python3-pip` (pip 23.0.1), then `pip install --break-system-packages` of
  two pure-Python wheels built here and served by a simple index on 127.0.0.1 — with and without
  `--no-compile`.
The package-manager images are built first (cached by both builders); the compared step is built
with --no-cache on top of them.
"""
import argparse, importlib.util, json, os, re, shutil, socket, subprocess, sys, tempfile, threading, urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CLI = os.path.join(REPO, "packages/cli/dist/bin.js")
DOCKER = os.environ.get("DOCKER", "/usr/bin/docker")
BASE = "real/debian:bookworm"
sys.path.insert(0, HERE)
import wheels  # noqa: E402

_spec = importlib.util.spec_from_file_location("aptcmp", os.path.join(REPO, "bench/apt-vs-docker/compare.py"))
aptcmp = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(aptcmp)

PKG = {"name": "npmcmp", "version": "1.0.0", "private": True, "dependencies": {"semver": "7.5.4", "ms": "2.1.3", "debug": "2.6.9"}}

BASES = {
    "npm": "FROM {base}\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs npm\n",
    "pip": "FROM {base}\nRUN apt-get update && apt-get install -y --no-install-recommends python3-pip\n",
}
CASES = {
    # the host's CA bundle lets the container's node trust this machine's TLS proxy (tsbuild downloads with the host's trust)
    "npm-ci": ("npm", "FROM {img}\nCOPY host-ca.crt /usr/local/share/tsbuild-host-ca.crt\nENV NODE_EXTRA_CA_CERTS=/usr/local/share/tsbuild-host-ca.crt\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n"),
    "npm-install": ("npm", "FROM {img}\nCOPY host-ca.crt /usr/local/share/tsbuild-host-ca.crt\nENV NODE_EXTRA_CA_CERTS=/usr/local/share/tsbuild-host-ca.crt\nWORKDIR /w\nRUN npm install semver@7.5.4 debug@2.6.9 ms@2.1.3\n"),
    "pip-install": ("pip", "FROM {img}\nRUN pip install --break-system-packages --index-url {index} tsb-alpha tsb-beta\n"),
    "pip-install-no-compile": ("pip", "FROM {img}\nRUN pip install --break-system-packages --no-compile --index-url {index} tsb-alpha tsb-beta\n"),
}

REASONS = [
    (r"^root/\.npm/_logs/", "npm's debug log: named after the run's time; its timing lines differ, and tsbuild leaves out the audit's lines (it sends no audit request)"),
    (r"^root/\.npm/_cacache/index-v5/", "cacache index entries: same size and fields, but they hold the time of the download"),
    (r"\.pyc$", ".pyc files: tsbuild has no Python compiler — right names, header and RECORD line, size estimated, code zero-filled (use --no-compile for exact layers)"),
    (r"__pycache__/$", "__pycache__ directories of the .pyc files"),
]

def skip(msg):
    print(f"SKIP: {msg}")
    sys.exit(0)

def sh(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout

def reason(path):
    for pat, why in REASONS:
        if re.search(pat, path): return why
    return "unexplained"

def compare(name, d, t):
    aptcmp.REASONS[:0] = [r for r in REASONS if r not in aptcmp.REASONS]
    return aptcmp.compare(name, d, t)

def serve(root):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=root))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv

class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *a): pass

def npm_lockfile(ctx):
    """package.json + a lockfile with `resolved` URLs from the host's npm and its registry."""
    with open(os.path.join(ctx, "package.json"), "w") as f: json.dump(PKG, f, indent=2)
    sh("npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--omit-lockfile-registry-resolved=false", cwd=ctx)
    write_ca(ctx)

def write_ca(ctx):
    ca = os.environ.get("NODE_EXTRA_CA_CERTS") or "/etc/ssl/certs/ca-certificates.crt"
    shutil.copy(ca if os.path.exists(ca) else os.devnull, os.path.join(ctx, "host-ca.crt"))

def build_both(tag, ctx, env, no_cache):
    flags = ["--no-cache"] if no_cache else []
    subprocess.run([DOCKER, "build", *flags, "--network", "host", "-t", tag, ctx], check=True, capture_output=True, env=dict(env, DOCKER_BUILDKIT="0"))
    r = subprocess.run(["node", CLI, "build", "-t", tag, ctx], capture_output=True, text=True, env=env)
    if r.returncode: raise SystemExit(f"tsbuild build {tag} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r.stdout

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rootfs", default=os.environ.get("DEBIAN_ROOTFS_TAR", "/work/refs/debian-bookworm-rootfs.tar"))
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs")
    ap.add_argument("--only", choices=["npm", "pip"])
    a = ap.parse_args()
    os.environ.setdefault("DOCKER_HOST", "unix:///tmp/d.sock")
    if not os.path.exists(CLI): skip("run `pnpm build` first")
    try: sh(DOCKER, "version")
    except Exception: skip(f"no Docker daemon answers at {os.environ['DOCKER_HOST']}")
    url = aptcmp.mirror()
    if not url: skip("no apt sources on this machine to find the Debian archive")
    try: urllib.request.urlopen(f"{url}/dists/bookworm/InRelease", timeout=10).read(100)
    except Exception as e: skip(f"the Debian archive is unreachable ({e})")
    if not os.path.exists(a.rootfs): skip(f"{a.rootfs} missing: make it with ../shared/realworld/make-debian-rootfs.sh")
    kinds = [a.only] if a.only else ["npm", "pip"]
    if "npm" in kinds:
        try:
            registry = sh("npm", "config", "get", "registry").strip()
            urllib.request.urlopen(registry, timeout=10).read(10)
        except Exception as e:
            print(f"SKIP npm: no npm on this machine or its registry is unreachable ({e})")
            kinds.remove("npm")
    if not kinds: skip("nothing to compare")
    try: sh(DOCKER, "image", "inspect", BASE)
    except Exception: sh(DOCKER, "import", a.rootfs, BASE)
    work = tempfile.mkdtemp(prefix="tsbuild-npmpipcmp-")
    env = dict(os.environ, TSBUILD_ROOT=os.path.join(work, "store"))
    env.setdefault("TSBUILD_CONTENT_DIR", os.path.join(work, "content"))
    index_root = os.path.join(work, "index"); wheels.make_index(index_root)
    srv = serve(index_root)
    index = f"http://127.0.0.1:{srv.server_address[1]}/simple/"
    tags, totals = [], [0, 0]
    try:
        sh("node", CLI, "import", a.rootfs, BASE, env=env)
        for kind in kinds:
            ctx = os.path.join(work, f"base-{kind}"); os.makedirs(ctx)
            open(os.path.join(ctx, "Dockerfile"), "w").write(BASES[kind].format(base=BASE))
            tag = f"npmpip-cmp/{kind}-base:1"
            build_both(tag, ctx, env, no_cache=False); tags.append(tag)
        for name, (kind, text) in CASES.items():
            if kind not in kinds: continue
            ctx = os.path.join(work, name); os.makedirs(ctx)
            if name == "npm-ci": npm_lockfile(ctx)
            elif kind == "npm": write_ca(ctx)
            open(os.path.join(ctx, "Dockerfile"), "w").write(text.format(img=f"npmpip-cmp/{kind}-base:1", index=index))
            tag = f"npmpip-cmp/{name}:1"
            out = build_both(tag, ctx, env, no_cache=True); tags.append(tag)
            sh(DOCKER, "save", "-o", os.path.join(work, f"{name}.docker.tar"), tag)
            sh("node", CLI, "save", "-o", os.path.join(work, f"{name}.tsbuild.tar"), tag, env=env)
            notes = [l for l in (re.sub(r"\x1b\[[0-9;]*m", "", x) for x in out.splitlines()) if l.startswith(("npm:", "pip:"))]
            for n in notes: print(f"   tsbuild note: {n[:200]}")
            e, n = compare(name, aptcmp.layer_entries(os.path.join(work, f"{name}.docker.tar")), aptcmp.layer_entries(os.path.join(work, f"{name}.tsbuild.tar")))
            totals[0] += e; totals[1] += n
        print(f"\nall cases: {totals[0]}/{totals[1]} entries equal")
    finally:
        srv.shutdown()
        for t in reversed(tags): subprocess.run([DOCKER, "rmi", t], capture_output=True)
        if a.keep: print(f"kept {work}")
        else: shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()

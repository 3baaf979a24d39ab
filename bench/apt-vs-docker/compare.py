#!/usr/bin/env python3
"""Builds the same apt Dockerfiles with dockerd (classic builder) and tsbuild on a real Debian
bookworm root file system and compares the RUN layers entry by entry (path, type, mode, owner,
size, content hash, link target).

    python3 bench/apt-vs-docker/compare.py [--rootfs TAR] [--keep]

Needs `pnpm build` first. Skips (exit 0, with a message) without a Docker daemon, without the
rootfs tar, or when the image's archive is unreachable. The archive's address is read from this
machine's apt sources, never written here. Docker's image: real/debian:bookworm (imported from
the tar when missing, as ../shared/realworld/make-debian-rootfs.sh says).
"""
import argparse, glob, hashlib, json, os, re, shutil, subprocess, sys, tarfile, tempfile, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CLI = os.path.join(REPO, "packages/cli/dist/bin.js")
DOCKER = os.environ.get("DOCKER", "/usr/bin/docker")
BASE = "real/debian:bookworm"
CASES = {
    "apt-clean": "FROM {base}\nRUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*",
    "apt-noclean": "FROM {base}\nRUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates",
    # the official-image download pattern, on the image the previous case built (it has curl)
    "curl-tar": "FROM packages-aptcmp/apt-noclean:1\nRUN curl -fsSL {url} -o /tmp/src.tar.gz && echo \"{sha}  /tmp/src.tar.gz\" | sha256sum -c - && mkdir -p /opt/src && tar -xzf /tmp/src.tar.gz -C /opt/src && rm /tmp/src.tar.gz",
}
# a file every Debian mirror holds (the archive's address is read at run time)
DOWNLOAD = "pool/main/t/tree/tree_2.1.0.orig.tar.gz"

# Why an entry may differ: the first pattern that matches names the reason.
REASONS = [
    (r"^var/cache/debconf/", "debconf's database"),
    (r"^etc/ssl/certs/|^usr/share/ca-certificates/|^etc/ca-certificates\.conf$", "ca-certificates' configure (update-ca-certificates)"),
    (r"^var/cache/apt/(src)?pkgcache\.bin$", "apt's binary caches: tsbuild writes zero-filled stand-ins of the measured size"),
    (r"^etc/ld\.so\.cache$|^var/cache/ldconfig/", "ldconfig's aux-cache (inode numbers and ctimes of the libraries): not written"),
    (r"^var/log/apt/eipp\.log\.xz$", "apt's solver log (EIPP), xz-compressed: not written (no xz compressor here)"),
    (r"^var/log/", "logs: timestamps and the order apt hands packages to dpkg (tsbuild's order is dependencies first)"),
    (r"^var/lib/dpkg/(status|status-old)$", "dpkg status"),
    (r"^var/lib/dpkg/triggers/", "dpkg trigger files (File, Unincorp) written by trigger processing"),
    (r"^var/lib/dpkg/info/", "dpkg info files"),
    (r"^var/lib/apt/extended_states$", "extended_states: apt writes records in its cache's order, tsbuild sorted by name (same records)"),
    (r"^etc/gss/|^etc/ca-certificates/", "directories dpkg makes opaque (whiteout of a directory in the lower layer)"),
    (r"^tmp/$|^tmp$", "/tmp: apt's dpkg-install directory"),
]

def skip(msg):
    print(f"SKIP: {msg}")
    sys.exit(0)

def sh(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout

def mirror():
    for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        m = re.search(r"^URIs:\s*(\S+)", open(f).read(), re.M)
        if m: return m.group(1)
    if os.path.exists("/etc/apt/sources.list"):
        for line in open("/etc/apt/sources.list"):
            p = line.split()
            if len(p) > 2 and p[0] == "deb": return p[1]
    return None

def layer_entries(saved_tar):
    """The last layer of a `docker save` tar: path -> (type, mode, uid, gid, size, sha256, link)."""
    with tarfile.open(saved_tar) as t:
        manifest = json.load(t.extractfile("manifest.json"))
        layer = t.extractfile(manifest[0]["Layers"][-1]).read()
    tmp = tempfile.NamedTemporaryFile(prefix="tsbuild-aptcmp-", delete=False)
    tmp.write(layer); tmp.close()
    out, total = {}, 0
    try:
        with tarfile.open(tmp.name) as lt:
            for m in lt.getmembers():
                kind = "file" if m.isreg() else "dir" if m.isdir() else "symlink" if m.issym() else "hardlink" if m.islnk() else "other"
                digest = hashlib.sha256(lt.extractfile(m).read()).hexdigest() if m.isreg() else ""
                name = m.name.rstrip("/") + ("/" if m.isdir() else "")
                out[name] = (kind, oct(m.mode), m.uid, m.gid, m.size, digest, m.linkname)
                total += m.size
    finally:
        os.unlink(tmp.name)
    return out, len(layer), total

def reason(path):
    base = os.path.basename(path.rstrip("/"))
    if base.startswith(".wh."): return "whiteouts: Docker 20.10 gives every whiteout after the first the first's path as Linkname (a shared whiteout inode, still Typeflag '0'); tsbuild's have none"
    for pat, why in REASONS:
        if re.search(pat, path): return why
    return "unexplained"

def compare(name, d, t):
    (de, dtar, dsum), (te, ttar, tsum) = d, t
    paths = sorted(set(de) | set(te))
    equal = sum(1 for p in paths if de.get(p) == te.get(p))
    same_size = sum(1 for p in paths if p in de and p in te and de[p][4] == te[p][4])
    print(f"\n== {name}: {len(de)} entries in Docker's layer, {len(te)} in tsbuild's")
    print(f"   entries equal (type, mode, owner, size, content, link): {equal}/{len(paths)}")
    print(f"   entries present in both with equal size: {same_size}")
    print(f"   layer tar: Docker {dtar:,} B, tsbuild {ttar:,} B ({(ttar - dtar) / dtar * 100:+.2f}%)")
    print(f"   file bytes: Docker {dsum:,} B, tsbuild {tsum:,} B ({(tsum - dsum) / dsum * 100:+.2f}%)")
    groups = {}
    for p in paths:
        a, b = de.get(p), te.get(p)
        if a == b: continue
        if a is None: what = "only tsbuild"
        elif b is None: what = "only Docker"
        else:
            fields = ["type", "mode", "uid", "gid", "size", "content", "link"]
            what = "differs in " + ",".join(f for f, x, y in zip(fields, a, b) if x != y)
        groups.setdefault(reason(p), []).append((p, what, (a or b)[4] if a is None or b is None else b[4] - a[4]))
    for why, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        delta = sum(x[2] if x[1] == "only tsbuild" else -x[2] if x[1] == "only Docker" else x[2] for x in items)
        print(f"   - {len(items)} entries ({delta:+,} B): {why}")
        for p, what, _ in items[:6]:
            print(f"       {p}: {what}")
        if len(items) > 6: print(f"       … {len(items) - 6} more")
    return equal, len(paths)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rootfs", default=os.environ.get("DEBIAN_ROOTFS_TAR", "/work/refs/debian-bookworm-rootfs.tar"))
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs")
    a = ap.parse_args()
    os.environ.setdefault("DOCKER_HOST", "unix:///tmp/d.sock")
    if not os.path.exists(CLI): skip("run `pnpm build` first")
    try: sh(DOCKER, "version")
    except Exception: skip(f"no Docker daemon answers at {os.environ['DOCKER_HOST']}")
    url = mirror()
    if not url: skip("no apt sources on this machine to find the Debian archive")
    try: urllib.request.urlopen(f"{url}/dists/bookworm/InRelease", timeout=10).read(100)
    except Exception as e: skip(f"the Debian archive is unreachable ({e})")
    if not os.path.exists(a.rootfs): skip(f"{a.rootfs} missing: make it with ../shared/realworld/make-debian-rootfs.sh")
    try: sh(DOCKER, "image", "inspect", BASE)
    except Exception: sh(DOCKER, "import", a.rootfs, BASE)
    work = tempfile.mkdtemp(prefix="tsbuild-aptcmp-")
    env = dict(os.environ, TSBUILD_ROOT=os.path.join(work, "store"))
    env.setdefault("TSBUILD_CONTENT_DIR", os.path.join(work, "content"))
    totals = [0, 0]
    download = f"{url}/{DOWNLOAD}"
    sha = hashlib.sha256(urllib.request.urlopen(download, timeout=60).read()).hexdigest()
    tags = []
    try:
        sh("node", CLI, "import", a.rootfs, BASE, env=env)
        for name, text in CASES.items():
            ctx = os.path.join(work, name); os.makedirs(ctx)
            open(os.path.join(ctx, "Dockerfile"), "w").write(text.format(base=BASE, url=download, sha=sha) + "\n")
            tag = f"packages-aptcmp/{name}:1"
            subprocess.run([DOCKER, "build", "--no-cache", "--network", "host", "-t", tag, ctx], check=True, capture_output=True, env=dict(env, DOCKER_BUILDKIT="0"))
            tags.append(tag)
            sh(DOCKER, "save", "-o", os.path.join(work, f"{name}.docker.tar"), tag)
            sh("node", CLI, "build", "-q", "-t", tag, ctx, env=env)
            sh("node", CLI, "save", "-o", os.path.join(work, f"{name}.tsbuild.tar"), tag, env=env)
            e, n = compare(name, layer_entries(os.path.join(work, f"{name}.docker.tar")), layer_entries(os.path.join(work, f"{name}.tsbuild.tar")))
            totals[0] += e; totals[1] += n
        print(f"\nall cases: {totals[0]}/{totals[1]} entries equal")
    finally:
        for t in reversed(tags): subprocess.run([DOCKER, "rmi", t], capture_output=True)
        if a.keep: print(f"kept {work}")
        else: shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()

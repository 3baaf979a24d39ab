#!/usr/bin/env python3
"""Regenerates data/bookworm.json, the apt catalog of the simulated debian:bookworm images,
from REAL Debian data on a bookworm machine:
  - apt-cache show: Version, Installed-Size, Depends, Pre-Depends, Recommends, Provides, Size
  - apt-get download + dpkg-deb --fsys-tarfile: each package's real file list (paths, modes, sizes,
    symlink targets) and its conffiles.
The catalog holds the closure (Depends + Pre-Depends + Recommends, first alternative) of SEEDS,
minus the packages the base image already has (read from data/../baseimages status).

usage: gen-bookworm-catalog.py OUT.json BASE_STATUS_FILE   (run `apt-get update` first)
"""
import io, json, os, re, subprocess, sys, tarfile, tempfile

SEEDS = """curl wget ca-certificates git build-essential gcc g++ make cmake pkg-config python3 python3-pip
python3-venv python3-dev nodejs openssl libssl-dev zlib1g-dev libffi-dev libpq-dev postgresql-client
gnupg dirmngr unzip zip xz-utils bzip2 vim nano less procps iputils-ping iproute2 net-tools dnsutils jq
tzdata locales sudo openssh-client rsync tini gosu file patch netcat-openbsd lsb-release
apt-transport-https libxml2-dev default-libmysqlclient-dev""".split()

out_file, status_file = sys.argv[1], sys.argv[2]
# apt sees the base image's dpkg status instead of this machine's, so candidates come from the
# Debian archive alone (not from whatever the machine has installed or pinned).
APT = ["-o", "Dir::State::status=" + os.path.abspath(status_file)]

def base_packages():
    names = set()
    for block in open(status_file).read().split("\n\n"):
        m = re.search(r"^Package: (\S+)", block, re.M)
        if m and "Status: install ok installed" in block:
            names.add(m.group(1))
    return names

_shown = {}

def show_many(names):
    """apt-cache show for many names in one run (apt-cache rebuilds its cache on every start)."""
    todo = [n for n in names if n not in _shown]
    for n in todo:
        _shown[n] = None
    if todo:
        r = subprocess.run(["apt-cache", *APT, "show", "--no-all-versions", *todo], capture_output=True, text=True)
        for block in r.stdout.split("\n\n"):
            fields, key = {}, None
            for line in block.splitlines():
                if line.startswith(" ") and key:
                    fields[key] += "\n" + line
                elif ":" in line:
                    key, val = line.split(":", 1)
                    fields[key] = val.strip()
            if "Package" in fields and _shown.get(fields["Package"]) is None:
                _shown[fields["Package"]] = fields

def show(name):
    show_many([name])
    return _shown.get(name)

def rels(value):
    """Depends-style field -> list of alternatives lists [[name, constraint], ...]."""
    out = []
    for part in filter(None, (p.strip() for p in (value or "").split(","))):
        alts = []
        for alt in part.split("|"):
            m = re.match(r"\s*([^\s(:]+)(?::\S+)?\s*(?:\(([^)]*)\))?", alt)
            if m:
                alts.append([m.group(1), (m.group(2) or "").replace(" ", "")])
        out.append(alts)
    return out

def provided_by():
    # virtual package -> real package, from the full apt cache (first provider wins)
    r = subprocess.run(["apt-cache", *APT, "dumpavail"], capture_output=True, text=True)
    prov = {}
    for block in r.stdout.split("\n\n"):
        m = re.search(r"^Package: (\S+)", block, re.M)
        p = re.search(r"^Provides: (.*)$", block, re.M)
        if m and p:
            for alts in rels(p.group(1)):
                prov.setdefault(alts[0][0], m.group(1))
    return prov

base = base_packages()
prov = provided_by()
catalog, queue, seen = {}, list(SEEDS), set()

while queue:
    level, queue = [n for n in dict.fromkeys(queue) if n not in seen], []
    show_many(level)
    for name in level:
        seen.add(name)
        real = name if (name in base or _shown.get(name)) else prov.get(name)
        if real is None or real in base or real in catalog:
            continue
        f = show(real)
        if f is None:
            print("skip (not in archive):", real, file=sys.stderr)
            continue
        catalog[real] = f
        for field in ("Pre-Depends", "Depends", "Recommends"):
            for alts in rels(f.get(field)):
                choice = next((a[0] for a in alts if a[0] in base or a[0] in catalog), alts[0][0])
                queue.append(choice)

tmp = tempfile.mkdtemp()
dl = subprocess.run(["apt-get", *APT, "download", "-q", *sorted(catalog)], cwd=tmp, capture_output=True, text=True)
if dl.returncode != 0:
    sys.exit("apt-get download failed:\n" + dl.stderr)
debs = {f.split("_")[0]: os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".deb")}

def file_list(deb):
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], capture_output=True, check=True).stdout
    lines = []
    for m in tarfile.open(fileobj=io.BytesIO(data)):
        path = "/" + m.name.lstrip("./")
        if path == "/":
            continue
        mode = m.mode & 0o7777
        if m.isdir():
            lines.append(f"d {mode:o} {path}")
        elif m.issym():
            lines.append(f"l {path} -> {m.linkname}")
        elif m.islnk():
            lines.append(f"h {path} => /{m.linkname.lstrip('./')}")
        else:
            lines.append(f"f {mode:o} {m.size} {path}")
    return lines

def conffiles(deb):
    r = subprocess.run(["dpkg-deb", "-I", deb, "conffiles"], capture_output=True, text=True)
    return [l.strip() for l in r.stdout.splitlines() if l.strip()] if r.returncode == 0 else []

packages = []
for name in sorted(catalog):
    f = catalog[name]
    deb = debs.get(name)
    if deb is None:
        print("no .deb for", name, file=sys.stderr)
        continue
    entry = {
        "name": name,
        "version": f["Version"],
        "architecture": f.get("Architecture", "amd64"),
        "installedSize": int(f.get("Installed-Size", "0")),
        "size": int(f.get("Size", "0")),
        "section": f.get("Section", ""),
        "priority": f.get("Priority", "optional"),
        "maintainer": f.get("Maintainer", ""),
        "source": f.get("Source", ""),
        "description": f.get("Description", "").split("\n")[0],
        "multiArch": f.get("Multi-Arch", ""),
        "depends": f.get("Depends", ""),
        "preDepends": f.get("Pre-Depends", ""),
        "recommends": f.get("Recommends", ""),
        "suggests": f.get("Suggests", ""),
        "provides": f.get("Provides", ""),
        "filename": os.path.basename(deb),
        # the security archive keeps its files under pool/updates/
        "archive": "security" if f.get("Filename", "").startswith("pool/updates/") else "",
        "conffiles": conffiles(deb),
        "files": file_list(deb),
    }
    packages.append({k: v for k, v in entry.items() if v not in ("", [], None)})

doc = {
    "distro": "bookworm",
    "source": "apt-cache show + apt-get download/dpkg-deb on Debian 12 (deb.debian.org bookworm, bookworm-updates, bookworm-security); scripts/gen-bookworm-catalog.py",
    "packages": packages,
}
with open(out_file, "w") as fh:
    fh.write("{\"distro\":%s,\"source\":%s,\"packages\":[\n" % (json.dumps(doc["distro"]), json.dumps(doc["source"])))
    fh.write(",\n".join(json.dumps(p, separators=(",", ":")) for p in packages))
    fh.write("\n]}\n")
print(f"{out_file}: {len(packages)} packages, {sum(p['installedSize'] for p in packages)} KiB installed", file=sys.stderr)

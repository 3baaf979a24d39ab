"""Two small pure-Python wheels and a PEP 503 simple index over them, for the pip comparison.

The wheels are built here (zip files with the metadata pip reads), so the comparison needs no
package index from the network.
"""
import base64, hashlib, os, zipfile

WHEELS = {
    ("tsb-alpha", "1.0.0"): {
        "tsb_alpha/__init__.py": "\"\"\"tsbuild's comparison wheel.\"\"\"\n__version__ = \"1.0.0\"\n\n\ndef greet(name):\n    return f\"hello {name}\"\n",
        "tsb_alpha/cli.py": "import sys\n\nfrom tsb_alpha import greet\n\n\ndef main():\n    print(greet(sys.argv[1] if len(sys.argv) > 1 else \"world\"))\n    return 0\n",
        "@entry_points.txt": "[console_scripts]\ntsb-alpha = tsb_alpha.cli:main\n",
        "@top_level.txt": "tsb_alpha\n",
    },
    ("tsb-beta", "0.2.0"): {
        "tsb_beta.py": "VALUES = [1, 2, 3]\n\n\ndef total():\n    return sum(VALUES)\n",
        "@top_level.txt": "tsb_beta\n",
    },
}

def _record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()

def build_wheel(name, version, files, out_dir):
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    entries = []
    for path, text in files.items():
        entries.append((f"{info}/{path[1:]}" if path.startswith("@") else path, text.encode()))
    entries.append((f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: tsbuild comparison wheel\n\n".encode()))
    entries.append((f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: tsbuild-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"))
    record = "".join(f"{p},{_record_hash(d)},{len(d)}\n" for p, d in entries) + f"{info}/RECORD,,\n"
    entries.append((f"{info}/RECORD", record.encode()))
    path = os.path.join(out_dir, f"{dist}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for p, d in entries:
            zi = zipfile.ZipInfo(p, date_time=(2024, 1, 1, 0, 0, 0))
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, d)
    return path

def make_index(root):
    """root/simple/<name>/index.html (PEP 503) linking root/files/<wheel>#sha256=…"""
    files = os.path.join(root, "files"); os.makedirs(files, exist_ok=True)
    os.makedirs(os.path.join(root, "simple"), exist_ok=True)
    names = []
    for (name, version), content in WHEELS.items():
        whl = build_wheel(name, version, content, files)
        sha = hashlib.sha256(open(whl, "rb").read()).hexdigest()
        d = os.path.join(root, "simple", name); os.makedirs(d, exist_ok=True)
        base = os.path.basename(whl)
        open(os.path.join(d, "index.html"), "w").write(f"<!DOCTYPE html>\n<html><body>\n<a href=\"../../files/{base}#sha256={sha}\">{base}</a>\n</body></html>\n")
        names.append(name)
    open(os.path.join(root, "simple", "index.html"), "w").write("<!DOCTYPE html>\n<html><body>\n" + "".join(f"<a href=\"{n}/\">{n}</a>\n" for n in names) + "</body></html>\n")
    return names

if __name__ == "__main__":
    import sys
    print(make_index(sys.argv[1]))

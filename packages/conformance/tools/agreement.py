#!/usr/bin/env python3
"""Agreement rates of a generated corpus: per compare.py aspect and per generator family.

Usage: agreement.py CASES_DIR REPORT.json [REPORT2.json]   (REPORT from compare.py --json)
With two reports (before, after) prints both columns. A case passes when every aspect but
history_exact holds, as compare.py counts it.
"""
import json
import os
import sys


def families(cases_dir):
    out = {}
    for n in os.listdir(cases_dir):
        p = os.path.join(cases_dir, n, "case.json")
        if os.path.exists(p):
            with open(p) as f:
                out[n] = json.load(f).get("generated", {}).get("family", "hand-written")
    return out


def rates(report, fam):
    per_aspect = {k: tuple(v) for k, v in report["aspects"].items()}
    per_family = {}
    for name, aspects in report["cases"].items():
        ok = all(v["ok"] for k, v in aspects.items() if k != "history_exact")
        f = fam.get(name, "?")
        a, t = per_family.get(f, (0, 0))
        per_family[f] = (a + (1 if ok else 0), t + 1)
    return per_aspect, per_family, (report["passed"], report["total"])


def pct(p):
    return "%d/%d (%.1f%%)" % (p[0], p[1], 100.0 * p[0] / p[1]) if p[1] else "-"


def main():
    cases, reports = sys.argv[1], sys.argv[2:]
    fam = families(cases)
    cols = []
    for r in reports:
        with open(r) as f:
            cols.append(rates(json.load(f), fam))
    print("| aspect | " + " | ".join(os.path.basename(r) for r in reports) + " |")
    print("|---|" + "---|" * len(reports))
    for k in sorted(cols[0][0]):
        print("| %s | %s |" % (k, " | ".join(pct(c[0].get(k, (0, 0))) for c in cols)))
    for k in sorted(cols[0][1]):
        print("| family %s | %s |" % (k, " | ".join(pct(c[1].get(k, (0, 0))) for c in cols)))
    print("| cases passing | %s |" % " | ".join(pct(c[2]) for c in cols))


if __name__ == "__main__":
    main()

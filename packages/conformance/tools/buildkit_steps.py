"""Steps of a BuildKit build (--progress plain) in the schema of the classic `Step N/M` lines.

BuildKit prints `#N [stage k/m] INSTRUCTION` per vertex and `#N CACHED` for a cache hit; the
internal vertices (`[internal] load ...`) are not steps of the Dockerfile.
"""
import re

VERTEX = re.compile(r"^#(\d+) \[(?:([^\]]*?) )?(\d+)/(\d+)\] (.*)$")
CACHED = re.compile(r"^#(\d+) CACHED$")


def parse(output):
    steps = {}
    order = []
    for line in output.splitlines():
        m = VERTEX.match(line)
        if m:
            vid = m.group(1)
            if vid not in steps:
                steps[vid] = {"step": int(m.group(3)), "of": int(m.group(4)), "stage": m.group(2) or "",
                              "text": m.group(5), "cached": False}
                order.append(vid)
            continue
        m = CACHED.match(line)
        if m and m.group(1) in steps:
            steps[m.group(1)]["cached"] = True
    return [steps[v] for v in order]

#!/usr/bin/env python3
"""Record generated (or any) conformance cases from a running dockerd that other people share.

Same expected.json schema as the shared tools/make-expected.py, whose helpers it imports, with
what a shared daemon needs:
- no reset: other people's images stay; bases are imported only when their tag is missing;
- the first build of each case (and its prebuilds) runs with --no-cache, which gives what a fresh
  store gives without deleting anything; the rebuild and the build after the mutation use the cache;
- a build that fails is recorded as a failing case (expect_error), not skipped;
- case.json `modes` and `empty_dirs` are restored in the copied context (git keeps neither);
- case.json `builder: "buildkit"` builds with DOCKER_BUILDKIT=1 (--network none);
- `--cleanup` removes the cases' tags afterwards (untagged parents go with them).

Usage: DOCKER_HOST=... record.py --tools SHARED_TOOLS_DIR --data-root DIR --cases DIR [--cleanup] [CASE...]
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

import buildkit_steps

DOCKER = shutil.which("docker", path="/usr/bin") or "docker"
# The client that sends the context: its tar headers go into the COPY hashes (history_exact).
# tsbuild models today's CLI; --classic-cli picks one for the classic builds (BuildKit ones need the
# 20.10 client, whose built-in BuildKit support newer clients replaced with buildx).
CLASSIC_CLI = DOCKER


def load_make_expected(tools):
    spec = importlib.util.spec_from_file_location("make_expected", os.path.join(tools, "make-expected.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def docker(args, buildkit=False, check=False, cli=None):
    env = dict(os.environ)
    env["DOCKER_BUILDKIT"] = "1" if buildkit else "0"
    p = subprocess.run([cli or DOCKER, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and p.returncode != 0:
        raise RuntimeError("docker %s failed: %s" % (" ".join(args), p.stderr.decode()))
    return p


def ensure_base(me, name):
    tag, path = me.BASES[name]
    if docker(["image", "inspect", tag]).returncode != 0:
        docker(["import", path, tag], check=True)


# The docker CLI hashes the context with the user names of the files' owners on its host (tarsum
# keeps uname/gname); tsbuild and the shared cases assume an owner the host has no name for.
NAMELESS_OWNER = 4242


def restore_tree(ctx, case):
    for d in case.get("empty_dirs", []):
        os.makedirs(os.path.join(ctx, d), exist_ok=True)
    for p, m in sorted(case.get("modes", {}).items(), key=lambda kv: -len(kv[0])):
        os.chmod(os.path.join(ctx, p), int(m, 8))
    if os.geteuid() == 0:
        for base, dirs, files in os.walk(ctx):
            for n in [base] + [os.path.join(base, x) for x in dirs + files]:
                os.lchown(n, NAMELESS_OWNER, NAMELESS_OWNER)


def build(ctx, case, tag, build_args, fresh):
    bk = case.get("builder") == "buildkit"
    args = ["build", "-t", tag]
    if bk:
        args += ["--network", "none", "--progress", "plain"]
    else:
        args += ["--force-rm"]
    if fresh:
        args.append("--no-cache")
    for k, v in sorted(build_args.items()):
        args += ["--build-arg", "%s=%s" % (k, v)]
    if case.get("target"):
        args += ["--target", case["target"]]
    for s in case.get("secrets", []):
        args += ["--secret", "id=%s,src=%s" % (s["id"], os.path.join(ctx, s["src"]))]
    args.append(ctx)
    p = docker(args, buildkit=bk, cli=None if bk else CLASSIC_CLI)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def steps_of(me, case, out, err):
    if case.get("builder") == "buildkit":
        return buildkit_steps.parse(err + out)
    return me.parse_steps(out)


def run_case(me, case_dir, data_root):
    with open(os.path.join(case_dir, "case.json")) as f:
        case = json.load(f)
    for b in case.get("bases", []):
        ensure_base(me, b)
    result = {"docker": docker(["version", "--format", "{{.Server.Version}}"]).stdout.decode().strip(),
              "builder": case.get("builder", "classic"), "storage_driver": "overlay2"}
    with tempfile.TemporaryDirectory(prefix="tsbuild-record-") as t:
        for pre in case.get("prebuild", []):
            pctx = os.path.join(t, "pre-" + pre["context"])
            me.copy_ctx(os.path.join(case_dir, pre["context"]), pctx)
            restore_tree(pctx, {})
            code, out, err = build(pctx, case, pre["tag"], {}, True)
            if code != 0:
                raise RuntimeError("prebuild failed: " + err)
        ctx = os.path.join(t, "context")
        me.copy_ctx(os.path.join(case_dir, "context"), ctx)
        restore_tree(ctx, case)
        args = case.get("build_args", {})
        code, out, err = build(ctx, case, case["tag"], args, True)
        result["exit_code"] = code
        result["steps"] = steps_of(me, case, out, err)
        if code != 0:
            result["error"] = [l for l in err.splitlines() if l.strip()]
            if not case.get("expect_error"):
                case["expect_error"] = True
                with open(os.path.join(case_dir, "case.json"), "w") as f:
                    json.dump(case, f, indent=1)
                    f.write("\n")
            return result
        result["image"] = me.describe_image(case["tag"], data_root)
        if case.get("rebuild"):
            code2, out2, err2 = build(ctx, case, case["tag"], args, False)
            result["rebuild_steps"] = [s["cached"] for s in steps_of(me, case, out2, err2)]
            if case.get("mutate") or case.get("mutate_build_args"):
                me.apply_mutation(ctx, case.get("mutate", []))
                args3 = dict(args)
                args3.update(case.get("mutate_build_args", {}))
                code3, out3, err3 = build(ctx, case, case["tag"], args3, False)
                result["after_mutation_steps"] = [s["cached"] for s in steps_of(me, case, out3, err3)]
                if code3 == 0:
                    result["after_mutation_history"] = me.describe_image(case["tag"], data_root)["history"]
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tools", required=True, help="the shared conformance tools directory (make-expected.py)")
    ap.add_argument("--data-root", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--cleanup", action="store_true")
    ap.add_argument("--classic-cli", help="docker client for classic builds (default: the 20.10 one in /usr/bin)")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    me = load_make_expected(a.tools)
    global CLASSIC_CLI
    if a.classic_cli:
        CLASSIC_CLI = a.classic_cli
    names = a.names or sorted(d for d in os.listdir(a.cases) if os.path.exists(os.path.join(a.cases, d, "case.json")))
    failed = 0
    for n in names:
        d = os.path.join(a.cases, n)
        try:
            res = run_case(me, d, a.data_root)
        except Exception as ex:  # report and go on with the next case
            failed += 1
            print("%s: FAILED %s" % (n, ex), file=sys.stderr)
            continue
        finally:
            if a.cleanup:
                with open(os.path.join(d, "case.json")) as f:
                    c = json.load(f)
                tags = [c["tag"]] + [p["tag"] for p in c.get("prebuild", [])]
                docker(["rmi", *tags])
        with open(os.path.join(d, "expected.json"), "w") as f:
            json.dump(res, f, indent=1, sort_keys=True)
            f.write("\n")
        print("%s: %s" % (n, "ok" if res["exit_code"] == 0 else "fails (recorded)"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

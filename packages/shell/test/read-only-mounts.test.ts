import { describe, expect, it } from "vitest";
import { RootFS } from "@tsbuild/fs-snapshot";
import { baseFs, runStep } from "./helpers.js";

// Expectations are what Docker 20.10's BuildKit printed for the same commands (b-ro-bind, b-ro-secret).

function mounted(): RootFS {
  const m = new RootFS();
  m.writeFile("/f", "hi\n");
  m.mkdir("/sub");
  m.writeFile("/sub/g", "x\n");
  return m;
}

describe("a read-only mount (BuildKit's bind without rw) refuses every change with EROFS", () => {
  it("prints busybox's strerror(EROFS) and keeps the content", async () => {
    const fs = await baseFs();
    const r = await runStep(
      fs,
      'touch /m/new; echo "touch $?"; sh -c "echo x > /m/f"; echo "redir $?"; rm /m/f; echo "rm $?"; mkdir /m/dd; echo "mkdir $?"; ' +
        'mkdir /m/sub; echo "exists $?"; rm /m/nope; echo "missing $?"; chmod 777 /m/f; echo "chmod $?"; ln -s f /m/l; echo "ln $?"; cat /m/f',
      { mounts: [{ path: "/m", fs: mounted(), readOnly: true }] },
    );
    expect(r.stdout).toBe("touch 1\nredir 1\nrm 1\nmkdir 1\nexists 1\nmissing 1\nchmod 1\nln 1\nhi\n");
    expect(r.stderr).toBe(
      "touch: /m/new: Read-only file system\n" +
        "sh: can't create /m/f: Read-only file system\n" +
        "rm: can't remove '/m/f': Read-only file system\n" +
        "mkdir: can't create directory '/m/dd': Read-only file system\n" +
        "mkdir: can't create directory '/m/sub': File exists\n" +
        "rm: can't remove '/m/nope': No such file or directory\n" +
        "chmod: /m/f: Read-only file system\n" +
        "ln: /m/l: Read-only file system\n",
    );
    expect(r.entries.map((e) => e.path)).toEqual(["m"]);
  });

  it("rm -rf empties nothing: each file fails, then the mount point is busy", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "rm -rf /m; echo $?; ls /m", { mounts: [{ path: "/m", fs: mounted(), readOnly: true }] });
    expect(r.stdout).toBe("1\nf\nsub\n");
    expect(r.stderr).toContain("rm: can't remove '/m/f': Read-only file system");
  });

  it("a writable mount (rw) still takes writes", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "touch /m/new && rm /m/f && ls /m", { mounts: [{ path: "/m", fs: mounted(), readOnly: false }] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("new\nsub\n");
  });
});

describe("a file mounted read-only over itself (BuildKit's secret)", () => {
  it("refuses writes with EROFS and removal with EBUSY; its directory stays writable", async () => {
    const fs = await baseFs();
    fs.mkdir("/run/secrets", { recursive: true });
    fs.writeFile("/run/secrets/s", "s3cret\n", { mode: 0o400 });
    const r = await runStep(
      fs,
      'touch /run/secrets/s; echo "touch $?"; sh -c "echo x > /run/secrets/s"; echo "redir $?"; rm -f /run/secrets/s; echo "rm $?"; ' +
        'chmod 644 /run/secrets/s; echo "chmod $?"; touch /run/secrets/other; echo "other $?"; cat /run/secrets/s',
      { readOnlyFiles: ["/run/secrets/s"] },
    );
    expect(r.stdout).toBe("touch 1\nredir 1\nrm 1\nchmod 1\nother 0\ns3cret\n");
    expect(r.stderr).toBe(
      "touch: /run/secrets/s: Read-only file system\n" +
        "sh: can't create /run/secrets/s: Read-only file system\n" +
        "rm: can't remove '/run/secrets/s': Device or resource busy\n" +
        "chmod: /run/secrets/s: Read-only file system\n",
    );
  });
});

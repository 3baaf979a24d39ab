import { describe, expect, it } from "vitest";
import { baseFs, freshRun, freshSh, runStep, sh } from "./helpers.js";

describe("what Docker mounts over the image never reaches the layer", () => {
  it("serves /dev/null, /dev/zero and /dev/urandom without creating them", async () => {
    const r = await freshRun("echo gone > /dev/null; head -c 5 /dev/zero | od -An -c; head -c 32 /dev/urandom | wc -c; dd if=/dev/zero of=/z bs=512 count=2 2>/dev/null");
    expect(r.stdout.replace(/\s+/g, " ").trim()).toBe("\\0 \\0 \\0 \\0 \\0 32");
    expect(r.entries.map((e) => [e.path, e.size])).toEqual([["z", 1024]]);
  });

  it("refuses to read an endless device whole, with a message saying why", async () => {
    const r = await freshSh("cat /dev/zero > /x; echo status=$?");
    expect(r.stdout).toBe("status=1\n");
    expect(r.stderr).toContain("/dev/zero never ends");
  });

  it("shows /dev, /proc, /sys and /.dockerenv while the step runs, and keeps them out of the layer", async () => {
    const r = await freshRun("ls -a / | tr '\\n' ' '; ls /proc/self; cat /proc/mounts | head -1");
    expect(r.stdout).toContain(". .. .dockerenv bin dev etc home lib proc root srv sys tmp usr var");
    expect(r.stdout).toContain("overlay / overlay");
    expect(r.entries).toEqual([]);
  });

  it("serves /etc/hosts, /etc/hostname and /etc/resolv.conf as bind mounts: writable, not removable, not in the layer", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "cat /etc/hostname; echo '10.0.0.1 db' >> /etc/hosts; grep -c db /etc/hosts; rm /etc/resolv.conf; echo rm=$?", {
      hostname: "0123456789ab",
    });
    expect(r.stdout).toBe("0123456789ab\n1\nrm=1\n");
    expect(r.entries).toEqual([]);
    expect(fs.exists("/etc/hosts")).toBe(false);
  });

  it("follows a symlink of the image into /dev without writing through it", async () => {
    const fs = await baseFs();
    fs.symlink("/dev/null", "/root/.ash_history");
    const r = await runStep(fs, "echo secret > /root/.ash_history && cat /root/.ash_history");
    expect(r.stdout).toBe("");
    expect(r.entries).toEqual([]);
    expect(fs.exists("/dev")).toBe(false);
  });

  it("keeps scratch files under /dev/shm out of the layer", async () => {
    const r = await freshRun("echo data > /dev/shm/f && cat /dev/shm/f");
    expect(r.stdout).toBe("data\n");
    expect(r.entries).toEqual([]);
  });

  it("removes what it can of a tree holding mount points, like rm -rf on a real /etc", async () => {
    const r = await freshRun("rm -rf /etc; echo status=$?; ls -a /etc");
    expect(r.stdout).toBe("status=1\n.\n..\nhostname\nhosts\nmtab\nresolv.conf\n");
    expect(r.entries.map((e) => e.path)).toEqual(["etc", "etc/.wh.group", "etc/.wh.motd", "etc/.wh.passwd"]);
  });
});

describe("a runaway script ends with a clear error", () => {
  it("stops an endless loop at the command limit", async () => {
    const r = await freshRun("while true; do :; done", { limits: { maxCommands: 5000 } });
    expect(r.exitCode).not.toBe(0);
    expect(r.error).toMatch(/step limit: too many commands executed \(>5000\)/);
  });

  it("stops endless recursion at the call depth limit", async () => {
    const r = await freshRun("f() { f; }; f", { limits: { maxCallDepth: 40 } });
    expect(r.error).toMatch(/maximum recursion depth \(40\)/);
  });

  it("stops a script that runs itself", async () => {
    const fs = await baseFs();
    fs.writeFile("/again.sh", "#!/bin/sh\n/again.sh\n", { mode: 0o755 });
    const r = await runStep(fs, "/again.sh", { limits: { maxCommands: 100_000 } });
    expect(r.exitCode).not.toBe(0);
    expect(r.error).toBeDefined();
  });

  it("stops a step that runs past its time limit", async () => {
    const r = await freshRun("while true; do :; done", { limits: { timeoutMs: 200, maxCommands: Number.MAX_SAFE_INTEGER } });
    expect(r.timedOut).toBe(true);
    expect(r.error).toMatch(/time limit \(200 ms\)/);
  });

  it("leaves no trace of a stopped step once the builder aborts it", async () => {
    const fs = await baseFs();
    fs.beginStep();
    const { runCommand } = await import("@tsbuild/shell");
    const r = await runCommand(fs, { argv: ["/bin/sh", "-c", "touch /a; while :; do :; done"], config: {}, limits: { maxCommands: 1000 } });
    expect(r.error).toBeDefined();
    fs.abortStep();
    expect(fs.exists("/a")).toBe(false);
  });
});

describe("/etc/resolv.conf as Docker writes it", () => {
  it("keeps the host's nameservers, drops localhost ones, and falls back to public DNS", async () => {
    const { containerResolvConf } = await import("../src/sandbox/virtual-mounts.js");
    expect(containerResolvConf("nameserver 10.255.255.53\n")).toBe("nameserver 10.255.255.53\n");
    expect(containerResolvConf("search lan\nnameserver 127.0.0.53\n")).toBe("search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
    expect(containerResolvConf("")).toBe("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  });
});

describe("rmdir", () => {
  it("removes an empty directory and refuses one with entries", async () => {
    const r = await freshRun("mkdir /e /f && touch /f/x && rmdir /e; echo e=$?; rmdir /f; echo f=$?");
    expect(r.stdout).toBe("e=0\nf=1\n");
    // busybox's wording (the base's rmdir is busybox's); just-bash's GNU-like one was pinned here before.
    expect(r.stderr).toBe("rmdir: '/f': Directory not empty\n");
    expect(r.entries.map((e) => e.path)).toEqual(["f", "f/x"]);
  });
});

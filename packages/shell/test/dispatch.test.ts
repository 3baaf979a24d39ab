import { describe, expect, it } from "vitest";
import type { SimCommandContext } from "@tsbuild/shell";
import { baseFs, freshRun, freshSh, runStep, sh } from "./helpers.js";

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]);

describe("a command runs only if the image has it", () => {
  it("runs busybox applets through their /bin symlinks, and busybox itself as a multi-call binary", async () => {
    const r = await freshSh("cat /etc/motd; busybox echo via-busybox; /bin/busybox tr a-z A-Z <<EOF\nup\nEOF");
    expect(r.stdout).toBe("Welcome to the conformance base.\nvia-busybox\nUP\n");
  });

  it("knows busybox by its hard links too (the busybox image's applets, /bin/sh among them, are 400 of them)", async () => {
    const fs = await baseFs();
    for (const name of ["sh", "mv"]) {
      fs.unlink(`/bin/${name}`);
      fs.link("/bin/busybox", `/bin/${name}`);
    }
    const r = await sh(fs, "echo x > /nonexist/c; mv /nope /x; echo $?");
    expect(r.stderr).toBe("/bin/sh: can't create /nonexist/c: nonexistent directory\nmv: can't rename '/nope': No such file or directory\n");
    expect(r.stdout).toBe("1\n");
  });

  it("says `not found` with exit 127 for a name that is nowhere on PATH", async () => {
    const r = await freshSh("frobnicate --now; echo status=$?");
    expect(r.stdout).toBe("status=127\n");
    expect(r.stderr).toBe("/bin/sh: frobnicate: not found\n");
  });

  it("does not run just-bash commands the image lacks", async () => {
    const fs = await baseFs();
    fs.unlink("/bin/sort");
    const r = await sh(fs, "printf 'b\\na\\n' | sort; echo status=$?");
    expect(r.stdout).toBe("status=127\n");
    expect(r.stderr).toBe("/bin/sh: sort: not found\n");
  });

  it("looks commands up in PATH order, and an explicit path skips PATH", async () => {
    const fs = await baseFs();
    fs.writeFile("/usr/local/bin/cat", "#!/bin/sh\necho shadowed \"$@\"\n", { mode: 0o755 });
    const r = await sh(fs, "cat x; /bin/cat /etc/motd");
    expect(r.stdout).toBe("shadowed x\nWelcome to the conformance base.\n");
  });

  it("refuses a file without execute permission (126) and a directory", async () => {
    const fs = await baseFs();
    fs.writeFile("/usr/local/bin/tool", "#!/bin/sh\necho hi\n", { mode: 0o644 });
    const r = await sh(fs, "tool; echo status=$?; /etc; echo status=$?");
    expect(r.stdout).toBe("status=126\nstatus=126\n");
    expect(r.stderr).toBe("/bin/sh: tool: Permission denied\n/bin/sh: /etc: Permission denied\n");
  });

  it("runs #! scripts in the shell with every argument and $0 set as the kernel passes them", async () => {
    const fs = await baseFs();
    fs.writeFile("/usr/local/bin/args", '#!/bin/sh\necho "$0 $# ${11} ${12}"\n', { mode: 0o755 });
    fs.writeFile("/work.sh", "#!/bin/sh -e\nfalse\necho not reached\n", { mode: 0o755 });
    const r = await sh(fs, "args 1 2 3 4 5 6 7 8 9 10 11 12; cd / && ./work.sh; echo status=$?");
    expect(r.stdout).toBe("/usr/local/bin/args 12 11 12\nstatus=1\n");
  });

  it("runs a script through #!/usr/bin/env and reports a missing interpreter as not found", async () => {
    const fs = await baseFs();
    fs.symlink("/bin/env", "/usr/bin/env");
    fs.writeFile("/a.sh", "#!/usr/bin/env sh\necho via env $1\n", { mode: 0o755 });
    fs.writeFile("/b.sh", "#!/bin/bash\necho never\n", { mode: 0o755 });
    const r = await sh(fs, "/a.sh ok; /b.sh; echo status=$?");
    expect(r.stdout).toBe("via env ok\nstatus=127\n");
    expect(r.stderr).toBe("/bin/sh: /b.sh: not found\n");
  });

  it("runs an executable text file without #! in the shell (ENOEXEC)", async () => {
    const fs = await baseFs();
    fs.writeFile("/plain", "echo plain $1\n", { mode: 0o755 });
    expect((await sh(fs, "/plain arg")).stdout).toBe("plain arg\n");
  });

  it("runs the alpine-sim /sbin/apk script, which lives outside /bin and /usr/bin", async () => {
    const r = await freshSh("apk add --no-cache make && cat /lib/apk/db/installed && /sbin/apk nonsense; echo status=$?", { base: "alpine-sim" });
    expect(r.stdout).toBe("Installing make\nP:make\nstatus=1\n");
    expect(r.stderr).toContain("usage: apk add");
  });

  it("runs a simulated binary registered by path, with argv, env, cwd, owner and stdin", async () => {
    const fs = await baseFs();
    fs.mkdir("/sbin");
    fs.writeFile("/sbin/apk", ELF, { mode: 0o755 });
    let seen: SimCommandContext | undefined;
    const binaries = {
      "/sbin/apk": async (ctx: SimCommandContext) => {
        seen = ctx;
        ctx.fs.writeFile("/installed", ctx.argv.join(" "), { owner: ctx.owner });
        ctx.stdout(`got ${ctx.stdin.toString()}`);
        ctx.stderr("warn\n");
        return 4;
      },
    };
    const r = await runStep(fs, "cd /tmp && echo in | FOO=bar apk add a b c d e f g h i j; echo status=$?", { binaries });
    expect(r.stdout).toBe("got in\nstatus=4\n");
    expect(r.stderr).toBe("warn\n");
    expect(seen?.argv).toEqual(["apk", "add", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]);
    expect(seen?.cwd).toBe("/tmp");
    expect(seen?.env.FOO).toBe("bar");
    expect(seen?.owner).toEqual({ uid: 0, gid: 0 });
    expect(r.entries.map((e) => e.path)).toEqual(["installed"]);
  });

  it("prefers a #! script over a simulated binary registered at the same path", async () => {
    const r = await freshSh("apk add --no-cache make", { base: "alpine-sim", binaries: { "/sbin/apk": async () => 99 } });
    expect(r.exitCode).toBe(0);
  });

  it("simulates known programs that are ELF binaries (a distro's /usr/bin/ls), and refuses unknown ones", async () => {
    const fs = await baseFs();
    fs.writeFile("/usr/bin/ls", ELF, { mode: 0o755 });
    fs.writeFile("/usr/bin/gcc", ELF, { mode: 0o755 });
    const r = await sh(fs, "/usr/bin/ls -d /etc; gcc -v; echo status=$?");
    expect(r.stdout).toBe("/etc\nstatus=127\n");
    expect(r.stderr).toBe("/bin/sh: gcc: not found (/usr/bin/gcc is a program tsbuild does not simulate)\n");
  });

  it("runs the zero-filled stand-ins simulated packages install as the program of their name", async () => {
    const fs = await baseFs();
    fs.writeFile("/usr/bin/sha256sum", Buffer.alloc(4096), { mode: 0o755 });
    fs.writeFile("/usr/bin/blob", Buffer.alloc(4096), { mode: 0o755 });
    fs.writeFile("/usr/bin/empty", "", { mode: 0o755 });
    const r = await sh(fs, "echo -n x | /usr/bin/sha256sum; blob; echo status=$?; empty; echo status=$?");
    expect(r.stdout).toBe("2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881  -\nstatus=127\nstatus=0\n");
  });

  it("runs busybox applets linked from /sbin and /usr/local/bin, and refuses a link name busybox lacks", async () => {
    const fs = await baseFs();
    fs.mkdir("/sbin");
    fs.symlink("/bin/busybox", "/sbin/whoami2");
    fs.symlink("/bin/busybox", "/usr/local/bin/id");
    const r = await sh(fs, "id -u; whoami2; echo status=$?");
    expect(r.stdout).toBe("0\nstatus=127\n");
    expect(r.stderr).toBe("whoami2: applet not found (tsbuild does not simulate it)\n");
  });

  it("keeps shell builtins working whatever PATH holds", async () => {
    const r = await freshSh('PATH=/nowhere; echo e; printf "%s\\n" p; cd /etc && pwd; [ -f motd ] && echo t; test 1 -eq 1 && echo ok; ls', {});
    expect(r.stdout).toBe("e\np\n/etc\nt\nok\n");
    expect(r.stderr).toBe("/bin/sh: ls: not found\n");
  });

  it("lets type, command -v and which report the image's real paths", async () => {
    const r = await freshSh("command -v apk; which apk ls; type cat", { base: "alpine-sim" });
    expect(r.stdout).toBe("/sbin/apk\n/sbin/apk\n/bin/ls\ncat is /bin/cat\n");
  });

  it("runs the exec form without a shell, and fails like Docker when the program is missing", async () => {
    const fs = await baseFs();
    const ok = await runStep(fs, ["touch", "/t"]);
    expect(ok.entries.map((e) => e.path)).toEqual(["t"]);
    const missing = await runStep(fs, ["no-such", "x"]);
    expect(missing.exitCode).toBe(127);
    expect(missing.error).toContain('exec: "no-such": executable file not found in $PATH');
  });

  it("fails a shell-form RUN on an image without /bin/sh (FROM scratch) as Docker does", async () => {
    const r = await freshRun("echo hi", { base: "empty" });
    expect(r.exitCode).toBe(127);
    expect(r.error).toContain('exec: "/bin/sh": stat /bin/sh: no such file or directory');
    expect(r.entries).toEqual([]);
  });

  it("runs SHELL as given: busybox sh -c, and sh options such as -e and -x", async () => {
    const fs = await baseFs();
    // busybox hands an applet its own name as argv[0].
    const a = await sh(fs, "", { argv: ["/bin/busybox", "sh", "-c", 'echo "$0"'] });
    expect(a.stdout).toBe("sh\n");
    const b = await sh(fs, "", { argv: ["/bin/sh", "-ec", "false; echo not-reached"] });
    expect(b.exitCode).toBe(1);
    expect(b.stdout).toBe("");
    const c = await sh(fs, "", { argv: ["/bin/sh", "-c", 'echo "$0 $1"', "zero", "one"] });
    expect(c.stdout).toBe("zero one\n");
  });
});

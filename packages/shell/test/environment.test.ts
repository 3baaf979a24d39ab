import { describe, expect, it } from "vitest";
import { baseFs, freshSh, runStep, sh } from "./helpers.js";

describe("the process environment of a RUN step", () => {
  it("is the given env plus what Docker adds: PATH, HOSTNAME, HOME (and sh's PWD and SHLVL)", async () => {
    const r = await freshSh("env | sort", { env: { APP: "1" }, hostname: "abc123def456" });
    expect(r.stdout).toBe(
      [
        "APP=1",
        "HOME=/root",
        "HOSTNAME=abc123def456",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "PWD=/",
        "SHLVL=1",
        "",
      ].join("\n"),
    );
  });

  it("keeps a given HOME and PATH", async () => {
    const r = await freshSh('echo "$HOME $PATH"', { env: { HOME: "/srv", PATH: "/bin" } });
    expect(r.stdout).toBe("/srv /bin\n");
  });

  it("starts in WORKDIR and lets $0 be the shell's argv[0]", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, 'pwd > /where; echo "$0" > /zero', { cwd: "/etc" });
    expect(fs.readFile("/where").toString()).toBe("/etc\n");
    expect(fs.readFile("/zero").toString()).toBe("/bin/sh\n");
    expect(r.exitCode).toBe(0);
  });

  it("passes exported variables to child shells and keeps the others", async () => {
    const r = await freshSh("A=1; export B=2; sh -c 'echo \"[$A][$B][$SHLVL]\"'");
    expect(r.stdout).toBe("[][2][2]\n");
  });

  it("passes bytes unchanged through pipes and redirections", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "head -c 300 /dev/urandom > /r && cat /r | cat > /r2 && sha256sum /r /r2 | cut -c1-64 | uniq | wc -l");
    expect(r.stdout).toBe("1\n");
    expect(fs.stat("/r2").size).toBe(300);
  });

  it("streams stdout and stderr to the callbacks", async () => {
    const r = await freshSh("echo out; echo err >&2");
    expect([r.stdout, r.stderr]).toEqual(["out\n", "err\n"]);
  });

  it("runs an EXIT trap when the shell finishes, with the shell's variables", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "tmp=/tmp/work; mkdir $tmp; trap 'rm -rf $tmp; echo cleaned' EXIT; touch $tmp/f; echo done");
    expect(r.stdout).toBe("done\ncleaned\n");
    expect(r.entries.map((e) => e.path)).toEqual(["tmp"]);
    expect((await runStep(fs, "trap 'echo t' EXIT; exit 4")).exitCode).toBe(4);
    expect((await runStep(fs, "trap 'exit 7' EXIT; true")).exitCode).toBe(7);
  });

  it("reports the command's exit status (e04) and a failing -e shell", async () => {
    const fs = await baseFs();
    expect((await runStep(fs, "exit 3")).exitCode).toBe(3);
    expect((await runStep(fs, "false && true")).exitCode).toBe(1);
    expect((await runStep(fs, "set -e; false; echo no")).stdout).toBe("");
  });
});

describe("USER", () => {
  it("runs as root for an empty USER, with HOME from /etc/passwd", async () => {
    const r = await freshSh("id; echo $HOME");
    expect(r.stdout).toBe("uid=0(root) gid=0(root) groups=0(root)\n/root\n");
  });

  it("resolves a name, a uid, name:group and uid:gid against the image's account files", async () => {
    const fs = await baseFs();
    expect((await sh(fs, "id; echo $HOME", { user: "nobody" })).stdout).toBe(
      "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n/nonexistent\n",
    );
    expect((await sh(fs, "id -u; id -g", { user: "65534" })).stdout).toBe("65534\n65534\n");
    expect((await sh(fs, "id -u; id -g", { user: "nobody:root" })).stdout).toBe("65534\n0\n");
    expect((await sh(fs, "id; echo $HOME", { user: "1234:5678" })).stdout).toBe("uid=1234 gid=5678 groups=5678\n/\n");
  });

  it("fails like Docker for a user the image does not know", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "true", { user: "ghost" });
    expect(r.error).toBe("unable to find user ghost: no matching entries in passwd file");
    const g = await runStep(fs, "true", { user: "root:ghosts" });
    expect(g.error).toBe("unable to find group ghosts: no matching entries in group file");
  });

  it("gives new files the user's owner and umask 022 modes", async () => {
    const fs = await baseFs();
    fs.mkdir("/app", { mode: 0o777 });
    const r = await runStep(fs, "echo x > /app/f && mkdir /app/d && ln -s f /app/l", { user: "nobody" });
    expect(r.entries.filter((e) => e.path !== "app")).toEqual([
      { path: "app/d", type: "dir", mode: "0755", uid: 65534, gid: 65534 },
      expect.objectContaining({ path: "app/f", type: "file", mode: "0644", uid: 65534, gid: 65534 }),
      { path: "app/l", type: "symlink", mode: "0777", uid: 65534, gid: 65534, linkname: "f" },
    ]);
  });

  it("denies a non-root user what the permissions deny", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "touch /etc/x; echo $?; rm /etc/passwd; echo $?; chown nobody /tmp; echo $?", { user: "nobody" });
    expect(r.stdout).toBe("1\n1\n1\n");
    expect(r.entries).toEqual([]);
    const redirect = await runStep(fs, "echo y >> /etc/motd", { user: "nobody" });
    expect(redirect.exitCode).toBe(1);
    expect(redirect.stderr).toBe("/bin/sh: can't create /etc/motd: Permission denied\n");
  });

  it("lets new entries of a setgid directory inherit its group", async () => {
    const fs = await baseFs();
    fs.mkdir("/shared", { mode: 0o2775, owner: { uid: 0, gid: 65534 } });
    const r = await runStep(fs, "touch /shared/f && mkdir /shared/d");
    expect(r.entries.filter((e) => e.path !== "shared")).toEqual([
      { path: "shared/d", type: "dir", mode: "2755", uid: 0, gid: 65534 },
      expect.objectContaining({ path: "shared/f", mode: "0644", uid: 0, gid: 65534 }),
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { baseFs, freshRun, freshSh, runStep, sh } from "./helpers.js";

const entry = (entries: { path: string }[], path: string) => entries.find((e) => e.path === path);

describe("chown and chgrp", () => {
  it("take numeric ids and names from the image's /etc/passwd and /etc/group", async () => {
    const fs = await baseFs();
    fs.mkdir("/o");
    for (const f of ["a", "b", "c", "d", "e"]) fs.writeFile(`/o/${f}`, "");
    const r = await runStep(fs, "cd /o && chown 1000:1000 a && chown nobody: b && chown nobody c && chown :nogroup d && chgrp 42 e");
    expect(r.stderr).toBe("");
    const owners = r.entries.filter((e) => e.path.startsWith("o/")).map((e) => `${e.path} ${e.uid}:${e.gid}`);
    expect(owners).toEqual(["o/a 1000:1000", "o/b 65534:65534", "o/c 65534:0", "o/d 0:65534", "o/e 0:42"]);
  });

  it("recurse with -R, change a symlink itself with -h, and reject unknown names", async () => {
    const fs = await baseFs();
    fs.mkdir("/t/sub", { recursive: true });
    fs.writeFile("/t/sub/f", "x");
    fs.symlink("/etc/motd", "/t/link");
    const r = await runStep(fs, "chown -R 7:8 /t && chown -h 9 /t/link && chown ghost /t; echo status=$?");
    expect(r.stdout).toBe("status=1\n");
    expect(r.stderr).toBe("chown: unknown user ghost\n");
    expect(r.entries.filter((e) => e.path.startsWith("t")).map((e) => `${e.path} ${e.uid}:${e.gid}`)).toEqual([
      "t 7:8",
      "t/link 9:8",
      "t/sub 7:8",
      "t/sub/f 7:8",
    ]);
    expect(entry(r.entries, "etc/motd")).toBeUndefined();
  });
});

describe("chmod", () => {
  it("applies octal modes, setuid included, and symbolic ones", async () => {
    const fs = await baseFs();
    fs.mkdir("/m");
    for (const f of ["a", "b", "c", "d"]) fs.writeFile(`/m/${f}`, "", { mode: 0o644 });
    const r = await runStep(fs, "cd /m && chmod 4755 a && chmod u+x,go-r b && chmod a=r c && chmod +x d");
    expect(r.entries.filter((e) => e.path.startsWith("m/")).map((e) => `${e.path} ${e.mode}`)).toEqual([
      "m/a 4755",
      "m/b 0700",
      "m/c 0444",
      "m/d 0755",
    ]);
  });

  it("recurses with -R and rejects an invalid mode", async () => {
    const fs = await baseFs();
    fs.mkdir("/r/s", { recursive: true });
    fs.writeFile("/r/s/f", "", { mode: 0o600 });
    const r = await runStep(fs, "chmod -R go+rX /r && chmod 9 /r; echo status=$?");
    expect(r.stdout).toBe("status=1\n");
    expect(r.stderr).toBe("chmod: invalid mode '9'\n");
    expect(r.entries.map((e) => `${e.path} ${e.mode}`)).toEqual(["r 0755", "r/s 0755", "r/s/f 0644"]);
  });
});

describe("touch", () => {
  it("creates files 0644, updates times of existing ones (putting them in the layer), and takes -d", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "touch /new /etc/group && touch -d '2020-01-02 03:04:05' /dated && touch -d @1600000000 /epoch");
    expect(r.entries.map((e) => e.path)).toEqual(["dated", "epoch", "etc", "etc/group", "new"]);
    expect(fs.stat("/dated").mtime.toISOString()).toBe("2020-01-02T03:04:05.000Z");
    expect(fs.stat("/epoch").mtime.toISOString()).toBe("2020-09-13T12:26:40.000Z");
    expect(entry(r.entries, "new")).toMatchObject({ mode: "0644", size: 0 });
  });

  it("does not create with -c", async () => {
    const r = await freshRun("touch -c /nothing");
    expect(r.entries).toEqual([]);
  });
});

describe("ln", () => {
  it("keeps hard links hard links in the layer", async () => {
    const r = await freshRun("mkdir /h && echo shared > /h/a && ln /h/a /h/b");
    expect(entry(r.entries, "h/b")).toMatchObject({ type: "hardlink", linkname: "h/a" });
  });

  it("makes symlinks, replaces with -f, and links into a directory", async () => {
    const r = await freshRun("ln -s /etc/motd /srv/m && ln -sf /etc/group /srv/m && ln -s /etc/passwd /srv && ln -s x /srv/m; echo status=$?");
    expect(r.stdout).toBe("status=1\n");
    expect(r.stderr).toBe("ln: /srv/m: File exists\n");
    expect(r.entries.filter((e) => e.type === "symlink").map((e) => `${e.path} -> ${e.linkname}`)).toEqual([
      "srv/m -> /etc/group",
      "srv/passwd -> /etc/passwd",
    ]);
  });
});

describe("install, mktemp, truncate, dd, mkdir, cp", () => {
  it("install copies with mode 0755 by default, -m, -o/-g, -d and -D", async () => {
    const fs = await baseFs();
    // This busybox has no install applet; Alpine's has.
    fs.symlink("/bin/busybox", "/usr/bin/install");
    const r = await runStep(fs, "install /etc/motd /usr/bin/motd && install -m 640 -o nobody -g nogroup /etc/motd /srv/m && install -d -m 700 /opt/a/b && install -D /etc/group /opt/x/y/g");
    expect(r.stderr).toBe("");
    expect(entry(r.entries, "usr/bin/motd")).toMatchObject({ mode: "0755", uid: 0 });
    expect(entry(r.entries, "srv/m")).toMatchObject({ mode: "0640", uid: 65534, gid: 65534 });
    expect(entry(r.entries, "opt/a")).toMatchObject({ mode: "0755" });
    expect(entry(r.entries, "opt/a/b")).toMatchObject({ mode: "0700" });
    expect(entry(r.entries, "opt/x/y/g")).toMatchObject({ mode: "0755", size: 27 });
  });

  it("mktemp makes a 0600 file or a 0700 directory under /tmp and prints its name", async () => {
    const fs = await baseFs();
    // mkstemp(3) wants six X's: busybox fails on fewer (measured against busybox 1.35).
    const r = await runStep(fs, "f=$(mktemp) && d=$(mktemp -d) && t=$(mktemp /tmp/build.XXXXXX) && echo $f $d $t");
    const [f, d, t] = r.stdout.trim().split(" ");
    expect(f).toMatch(/^\/tmp\/tmp\.[A-Za-z0-9]{6}$/);
    expect(t).toMatch(/^\/tmp\/build\.[A-Za-z0-9]{6}$/);
    expect(entry(r.entries, f.slice(1))).toMatchObject({ type: "file", mode: "0600" });
    expect(entry(r.entries, d.slice(1))).toMatchObject({ type: "dir", mode: "0700" });
  });

  it("truncate extends with zeros and cuts", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "truncate -s 1K /t1 && echo hello > /t2 && truncate -s 2 /t2 && truncate -s +3 /t2");
    expect(entry(r.entries, "t1")).toMatchObject({ size: 1024 });
    expect(fs.readFile("/t2")).toEqual(Buffer.from("he\0\0\0"));
  });

  it("dd copies counted blocks from /dev/zero and from files, with seek and conv=notrunc", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, "dd if=/dev/zero of=/z bs=1M count=2 && printf abcdef > /s && dd if=/s of=/z bs=2 skip=1 seek=1 count=2 conv=notrunc");
    expect(r.stderr).toBe("2+0 records in\n2+0 records out\n2+0 records in\n2+0 records out\n");
    const z = fs.readFile("/z");
    expect(z.length).toBe(2 * 1024 * 1024);
    expect(z.subarray(0, 7)).toEqual(Buffer.from("\0\0cdef\0"));
  });

  it("mkdir -p makes parents 0755 and -m sets the mode exactly", async () => {
    const r = await freshRun("mkdir -p /p/q && mkdir -m 1777 /p/t && mkdir /p; echo status=$?");
    expect(r.stdout).toBe("status=1\n");
    expect(r.entries.map((e) => `${e.path} ${e.mode}`)).toEqual(["p 0755", "p/q 0755", "p/t 1777"]);
  });

  it("cp gives new files the source mode less the umask and the caller's owner; -a keeps everything", async () => {
    const fs = await baseFs();
    fs.mkdir("/src");
    fs.writeFile("/src/f", "x", { mode: 0o4775, owner: { uid: 5, gid: 6 } });
    fs.link("/src/f", "/src/g");
    const r = await runStep(fs, "cp /src/f /plain && cp -a /src /arch && cp -r /src /rec");
    // busybox creates the copy with the source's mode (setuid included) less the umask, as
    // the differential tests measured against busybox 1.35.
    expect(entry(r.entries, "plain")).toMatchObject({ mode: "4755", uid: 0, gid: 0 });
    expect(entry(r.entries, "arch/f")).toMatchObject({ mode: "4775", uid: 5, gid: 6 });
    expect(entry(r.entries, "arch/g")).toMatchObject({ type: "hardlink", linkname: "arch/f" });
    // busybox keeps hard links within a copy without -p too (recorded from Docker in p-cp-a).
    expect(entry(r.entries, "rec/f")).toMatchObject({ type: "file", mode: "4755" });
    expect(entry(r.entries, "rec/g")).toMatchObject({ type: "hardlink", linkname: "rec/f" });
  });
});

describe("id, whoami, groups, uname, umask, stat, ls, env", () => {
  it("id, whoami and groups read the image's accounts", async () => {
    const fs = await baseFs();
    fs.writeFile("/etc/group", "root:x:0:\nnogroup:x:65534:\nstaff:x:50:nobody\n");
    const r = await sh(fs, "id; id -u; id -gn; id -G; whoami; groups; id root", { user: "nobody" });
    expect(r.stdout).toBe(
      "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup),50(staff)\n65534\nnogroup\n65534 50\nnobody\nnogroup staff\nuid=0(root) gid=0(root) groups=0(root)\n",
    );
  });

  it("umask changes the modes of what follows", async () => {
    const r = await freshRun("umask; umask 027; umask; touch /u; mkdir /v");
    expect(r.stdout).toBe("0022\n0027\n");
    expect(r.entries.map((e) => `${e.path} ${e.mode}`)).toEqual(["u 0640", "v 0750"]);
  });

  it("stat -c prints busybox's format sequences; ls -l shows owners and modes", async () => {
    const fs = await baseFs();
    fs.writeFile("/f", "abc", { mode: 0o4750, owner: { uid: 65534, gid: 0 } });
    const r = await sh(fs, "stat -c '%a %A %U:%G %u %s %F %n' /f /bin/sh; ls -l /f | cut -c1-43; ls -ln /f | cut -c1-43");
    expect(r.stdout).toBe(
      "4750 -rwsr-x--- nobody:root 65534 3 regular file /f\n" +
        "777 lrwxrwxrwx root:root 0 7 symbolic link /bin/sh\n" +
        "-rwsr-x---    1 nobody   root             3\n" +
        "-rwsr-x---    1 65534    0                3\n",
    );
  });

  it("uname reports Linux and the machine", async () => {
    const r = await freshSh("uname; uname -s -m");
    expect(r.stdout).toMatch(/^Linux\nLinux (x86_64|aarch64|\S+)\n$/);
  });

  it("env prints and runs with the exported environment only", async () => {
    const r = await freshSh("X=1; export Y=2; env | grep -c '^[XY]='; env -i A=b env; env Z=3 sh -c 'echo $Z'");
    expect(r.stdout).toBe("1\nA=b\n3\n");
  });
});

describe("busybox adduser and addgroup", () => {
  const withAdduser = async () => {
    const fs = await baseFs();
    fs.mkdir("/usr/sbin");
    fs.symlink("/bin/busybox", "/usr/sbin/adduser");
    fs.symlink("/bin/busybox", "/usr/sbin/addgroup");
    fs.writeFile("/etc/shadow", "root:*:0:0:99999:7:::\n", { mode: 0o640 });
    return fs;
  };

  it("adduser -D creates the user, its group, a shadow entry and /home/NAME owned by it", async () => {
    const fs = await withAdduser();
    const r = await runStep(fs, "adduser -D app");
    expect(r.stderr).toBe("");
    expect(fs.readFile("/etc/passwd").toString()).toContain("app:x:1000:1000:Linux User,,,:/home/app:/bin/sh\n");
    expect(fs.readFile("/etc/group").toString()).toBe("root:x:0:\nnogroup:x:65534:\napp:x:1000:\n");
    expect(fs.readFile("/etc/shadow").toString()).toMatch(/\napp:!:\d+:0:99999:7:::\n$/);
    expect(entry(r.entries, "home/app")).toEqual({ path: "home/app", type: "dir", mode: "2755", uid: 1000, gid: 1000 });
    expect(entry(r.entries, "etc/passwd-")).toMatchObject({ type: "file", size: 82 });
    expect(entry(r.entries, "etc/shadow")).toMatchObject({ mode: "0640" });
  });

  it("adduser copies /etc/skel into the new home, every copy owned by the user", async () => {
    const fs = await withAdduser();
    fs.mkdir("/etc/skel/.config", { recursive: true });
    fs.writeFile("/etc/skel/.config/rc", "x\n", { mode: 0o600 });
    fs.symlink(".config/rc", "/etc/skel/.rc");
    const r = await runStep(fs, "adduser -D app");
    expect(r.stderr).toBe("");
    expect(entry(r.entries, "home/app/.config")).toMatchObject({ type: "dir", uid: 1000, gid: 1000 });
    expect(entry(r.entries, "home/app/.config/rc")).toMatchObject({ type: "file", mode: "0600", uid: 1000, gid: 1000 });
    expect(entry(r.entries, "home/app/.rc")).toMatchObject({ type: "symlink", uid: 1000, gid: 1000 });
  });

  it("adduser -S -G, -u, -H, -h, -s; addgroup -g and adding a member", async () => {
    const fs = await withAdduser();
    const r = await runStep(
      fs,
      "addgroup -g 4000 web && adduser -S -D -H -u 150 -G web -s /bin/ash -h /srv/svc svc && addgroup -S sys && adduser -D -H app && addgroup app web",
    );
    expect(r.stderr).toBe("");
    const passwd = fs.readFile("/etc/passwd").toString();
    expect(passwd).toContain("svc:x:150:4000:Linux User,,,:/srv/svc:/bin/ash\n");
    expect(passwd).toContain("app:x:1000:1000:");
    expect(fs.readFile("/etc/group").toString()).toBe("root:x:0:\nnogroup:x:65534:\nweb:x:4000:svc,app\nsys:x:100:\napp:x:1000:\n");
    expect(fs.exists("/srv/svc")).toBe(false);
  });

  it("refuses a user or group in use, and a non-root caller", async () => {
    const fs = await withAdduser();
    const r = await sh(fs, "adduser -D nobody; echo $?; addgroup root; echo $?");
    expect(r.stdout).toBe("1\n1\n");
    expect(r.stderr).toBe("adduser: user 'nobody' in use\naddgroup: group 'root' in use\n");
    expect((await sh(fs, "adduser -D x", { user: "nobody" })).stderr).toBe("adduser: permission denied (are you root?)\n");
  });
});

describe("shadow-utils useradd, groupadd and usermod", () => {
  const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  const debianLike = async () => {
    const fs = await baseFs();
    fs.mkdir("/usr/sbin");
    for (const t of ["useradd", "groupadd", "usermod"]) fs.writeFile(`/usr/sbin/${t}`, ELF, { mode: 0o755 });
    fs.writeFile("/etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\nGID_MIN 1000\nGID_MAX 60000\nUSERGROUPS_ENAB yes\nPASS_MAX_DAYS 99999\nPASS_MIN_DAYS 0\nPASS_WARN_AGE 7\nUMASK 022\n");
    fs.mkdir("/etc/default");
    fs.writeFile("/etc/default/useradd", "SHELL=/bin/sh\n");
    fs.writeFile("/etc/shadow", "root:*:19000:0:99999:7:::\n", { mode: 0o640 });
    fs.writeFile("/etc/gshadow", "root:*::\n", { mode: 0o640 });
    fs.writeFile("/etc/subuid", "");
    fs.writeFile("/etc/subgid", "");
    fs.mkdir("/etc/skel");
    fs.writeFile("/etc/skel/.profile", "# profile\n");
    return fs;
  };

  it("useradd -m makes the user, its group, shadow/gshadow/subuid entries, backups and the home from /etc/skel", async () => {
    const fs = await debianLike();
    const r = await runStep(fs, "useradd -m app");
    expect(r.stderr).toBe("");
    expect(fs.readFile("/etc/passwd").toString()).toContain("app:x:1000:1000::/home/app:/bin/sh\n");
    expect(fs.readFile("/etc/group").toString()).toContain("app:x:1000:\n");
    expect(fs.readFile("/etc/shadow").toString()).toMatch(/\napp:!:\d+:0:99999:7:::\n$/);
    expect(fs.readFile("/etc/gshadow").toString()).toBe("root:*::\napp:!::\n");
    expect(fs.readFile("/etc/subuid").toString()).toBe("app:100000:65536\n");
    expect(r.entries.map((e) => e.path)).toEqual([
      "etc",
      "etc/.pwd.lock",
      "etc/group",
      "etc/group-",
      "etc/gshadow",
      "etc/gshadow-",
      "etc/passwd",
      "etc/passwd-",
      "etc/shadow",
      "etc/shadow-",
      "etc/subgid",
      "etc/subgid-",
      "etc/subuid",
      "etc/subuid-",
      "home",
      "home/app",
      "home/app/.profile",
    ]);
    expect(entry(r.entries, "home/app")).toMatchObject({ mode: "0755", uid: 1000, gid: 1000 });
    expect(entry(r.entries, "home/app/.profile")).toMatchObject({ uid: 1000, gid: 1000 });
    expect(entry(r.entries, "etc/shadow-")).toMatchObject({ mode: "0640" });
  });

  it("system users count down from 999 and get no aging; -u, -g, -G and groupadd -g", async () => {
    const fs = await debianLike();
    const r = await runStep(fs, "groupadd -g 2000 team && useradd -r svc && useradd -u 1500 -g team -G team -s /bin/bash dev && groupadd extra");
    expect(r.stderr).toBe("");
    const passwd = fs.readFile("/etc/passwd").toString();
    expect(passwd).toContain("svc:x:999:999::/home/svc:/bin/sh\n");
    expect(passwd).toContain("dev:x:1500:2000::/home/dev:/bin/bash\n");
    expect(fs.readFile("/etc/shadow").toString()).toMatch(/\nsvc:!:\d+::::::\n/);
    expect(fs.readFile("/etc/group").toString()).toBe("root:x:0:\nnogroup:x:65534:\nteam:x:2000:dev\nsvc:x:999:\nextra:x:2001:\n");
    expect(fs.exists("/home/dev")).toBe(false);
  });

  it("fails with shadow-utils' statuses for existing users and missing groups; usermod -aG adds a member", async () => {
    const fs = await debianLike();
    const r = await sh(fs, "useradd root; echo $?; useradd -g nope x; echo $?; groupadd root; echo $?; groupadd -f root; echo $?; usermod -aG nogroup root && grep ^nogroup /etc/group");
    expect(r.stdout).toBe("9\n6\n9\n0\nnogroup:x:65534:root\n");
  });
});

describe("shell-level applets", () => {
  it("cat numbers lines and reads stdin as -", async () => {
    const fs = await baseFs();
    expect((await sh(fs, "echo top | cat -n - /etc/group")).stdout).toBe("     1\ttop\n     2\troot:x:0:\n     3\tnogroup:x:65534:\n");
  });

  it("head takes -n, -c and the old -N form", async () => {
    const fs = await baseFs();
    expect((await sh(fs, "head -n 1 /etc/passwd; head -c 4 /etc/motd; echo; head -1 /etc/group")).stdout).toBe(
      "root:x:0:0:root:/root:/bin/sh\nWelc\nroot:x:0:\n",
    );
  });

  it("rm -rf goes on past what it cannot remove and reports it", async () => {
    const r = await freshRun("rm /nothing; echo $?; rm -f /nothing; echo $?; rm /bin; echo $?");
    expect(r.stdout).toBe("1\n0\n1\n");
    expect(r.stderr).toBe("rm: can't remove '/nothing': No such file or directory\nrm: '/bin' is a directory\n");
  });
});

describe("tar", () => {
  const tree = async () => {
    const fs = await baseFs();
    fs.mkdir("/src/bin", { recursive: true, owner: { uid: 1000, gid: 1000 } });
    fs.writeFile("/src/bin/run", "#!/bin/sh\necho ran\n", { mode: 0o755, owner: { uid: 1000, gid: 1000 } });
    fs.writeFile("/src/secret", "s", { mode: 0o600, owner: { uid: 1000, gid: 1000 } });
    fs.link("/src/secret", "/src/again");
    fs.symlink("bin/run", "/src/start", { owner: { uid: 1000, gid: 1000 } });
    return fs;
  };

  it("keeps modes, owners, symlinks and hard links through -czf and -xzf as root", async () => {
    const fs = await tree();
    const r = await runStep(fs, "tar -czf /a.tgz -C /src . && mkdir /dst && tar xzf /a.tgz -C /dst && /dst/bin/run");
    expect(r.stdout).toBe("ran\n");
    const got = r.entries.filter((e) => e.path.startsWith("dst/")).map((e) => `${e.path} ${e.type} ${e.mode} ${e.uid}:${e.gid}${e.linkname ? ` ${e.linkname}` : ""}`);
    expect(got).toEqual([
      "dst/again file 0600 1000:1000",
      "dst/bin dir 0755 1000:1000",
      "dst/bin/run file 0755 1000:1000",
      "dst/secret hardlink 0600 1000:1000 dst/again",
      "dst/start symlink 0777 1000:1000 bin/run",
    ]);
  });

  it("lists with -t, strips components, and extracts as a non-root user with its own owner and umask", async () => {
    const fs = await tree();
    fs.mkdir("/out", { mode: 0o777 });
    const r = await runStep(fs, "tar cf /tmp/a.tar /src/bin && tar tf /tmp/a.tar && tar -x -f /tmp/a.tar --strip-components=1 -C /out", { user: "nobody" });
    expect(r.stdout).toBe("src/bin/\nsrc/bin/run\n");
    expect(r.stderr).toBe("tar: removing leading '/' from member names\n");
    expect(entry(r.entries, "out/bin/run")).toMatchObject({ mode: "0755", uid: 65534, gid: 65534 });
  });

  it("extracts xz, bzip2 and zstd archives by their magic number, as GNU and busybox tar do", async () => {
    const { writeTar } = await import("@tsbuild/archive");
    const { execFileSync } = await import("node:child_process");
    const plain = writeTar([{ name: "hello", type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, content: Buffer.from("hi\n") }]);
    for (const tool of ["xz", "bzip2", "zstd"]) {
      let packed: Buffer;
      try {
        packed = execFileSync(tool, ["-c"], { input: plain });
      } catch {
        console.warn(`SKIPPED: ${tool} is not installed, its tar input is not checked`);
        continue;
      }
      const fs = await baseFs();
      fs.writeFile("/a.tar.x", packed);
      const r = await runStep(fs, "mkdir /o && tar -xf /a.tar.x -C /o && cat /o/hello");
      expect(r.stdout, tool).toBe("hi\n");
    }
  });
});

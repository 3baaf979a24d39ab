import { RootFS } from "@tsbuild/fs-snapshot";
import { describe, expect, it } from "vitest";
import { baseFs, freshSh, sh } from "./helpers.js";

/** A Debian-shaped image for program lookup: dash as /bin/sh, the programs as ELF files. */
async function debianLike(): Promise<RootFS> {
  const fs = new RootFS({ defaultMtime: new Date("2024-01-01T00:00:00Z") });
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]);
  for (const d of ["/usr/bin", "/usr/sbin", "/etc", "/root", "/tmp"]) fs.mkdir(d, { recursive: true });
  fs.symlink("usr/bin", "/bin");
  for (const name of ["dash", "bash", "ls", "wc", "sort", "getent", "cat", "echo", "sha512sum", "gzip", "cut", "touch", "head", "od", "grep"]) fs.writeFile(`/usr/bin/${name}`, elf, { mode: 0o755 });
  fs.symlink("dash", "/usr/bin/sh");
  fs.writeFile("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
  fs.writeFile("/etc/group", "root:x:0:\nnogroup:x:65534:\n");
  return fs;
}

describe("the image decides the implementation", () => {
  it("busybox's formats where sh is busybox, GNU's where it is dash", async () => {
    const bb = await baseFs("busybox");
    const deb = await debianLike();
    const cmd = "printf 'b\\na\\n' > /tmp/f; wc -l /tmp/f /tmp/f; ls -ld /tmp";
    const a = await sh(bb, cmd);
    const b = await sh(deb, cmd);
    expect(a.stdout).toContain("        2 /tmp/f\n        2 /tmp/f\n        4 total\n");
    expect(a.stdout).toMatch(/^drwxrwxrwt +\d+ root +root +4096 /m);
    expect(b.stdout).toContain("2 /tmp/f\n2 /tmp/f\n4 total\n");
    expect(b.stdout).toMatch(/^drwxr-xr-x 2 root root 4096 /m);
  });

  it("bash-only variables do not exist in ash or dash: an ENV of the same name is seen", async () => {
    for (const fs of [await baseFs("busybox"), await debianLike()]) {
      const r = await sh(fs, 'echo "[$UID] [$EUID] [$SECONDS] [$BASHPID] [$BASH_VERSION]"; UID=5; echo $UID', {
        env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", UID: "1000" },
      });
      expect(r.stdout).toBe("[1000] [] [] [] []\n5\n");
    }
  });

  it("bash keeps its own variables", async () => {
    const r = await sh(await debianLike(), 'bash -c \'echo "$UID $EUID ${BASH_VERSION:+set}"\'', { env: { PATH: "/usr/bin:/bin", UID: "1000" } });
    expect(r.stdout).toBe("0 0 set\n");
  });
});

describe("programs RUN lines need", () => {
  it("yes | head", async () => {
    const r = await freshSh("yes | head -n 3; yes no | head -c 6");
    expect(r.stdout).toBe("y\ny\ny\nno\nno\n");
  });

  it("xargs -n1, -I, -0, -r and a missing program (127)", async () => {
    const r = await freshSh("echo a b c | xargs -n1 echo x; printf '1\\n2\\n' | xargs -I{} echo [{}]; printf '' | xargs -r echo none; echo a | xargs nosuch; echo $?");
    expect(r.stdout).toBe("x a\nx b\nx c\n[1]\n[2]\n127\n");
    expect(r.stderr).toBe("xargs: nosuch: No such file or directory\n");
  });

  it("sha512sum and the other sums, with -c", async () => {
    const r = await sh(await debianLike(), "printf hi > /tmp/f; sha512sum /tmp/f > /tmp/s; sha512sum -c /tmp/s; cut -c1-16 /tmp/s");
    expect(r.stdout).toBe("/tmp/f: OK\n150a14ed5bea6cc7\n");
  });

  it("getent reads the image's passwd, group and hosts", async () => {
    const r = await sh(await debianLike(), "getent passwd nobody 0; getent group nogroup; getent hosts localhost; getent passwd nosuch; echo $?");
    expect(r.stdout).toBe(
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nroot:x:0:0:root:/root:/bin/bash\nnogroup:x:65534:\n::1             localhost ip6-localhost ip6-loopback\n2\n",
    );
  });

  it("ps lists process 1 (the RUN command) in busybox's format", async () => {
    const r = await freshSh("ps");
    expect(r.stdout).toMatch(/^PID   USER     TIME  COMMAND\n    1 root      0:00 \/bin\/sh -c ps\n +\d+ root      0:00 ps\n$/);
  });

  it("su and gosu run a command as another user", async () => {
    const r = await freshSh("su nobody -s /bin/sh -c 'id -u; touch /tmp/x'; ls -ln /tmp/x | awk '{print $3}'; busybox gosu nobody id -g");
    expect(r.stdout).toBe("65534\n65534\n65534\n");
  });

  it("useradd --home (getopt_long takes unambiguous prefixes)", async () => {
    const fs = await debianLike();
    fs.writeFile("/usr/sbin/useradd", Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]), { mode: 0o755 });
    const r = await sh(fs, "useradd --home /opt/app -m app && grep ^app: /etc/passwd && ls -ld /opt/app | cut -c1-10");
    expect(r.stderr).toBe("");
    // Without /etc/default/useradd: shadow's built-in GROUP=100 and SHELL.
    expect(r.stdout).toMatch(/^app:x:1000:100::\/opt\/app:\/bin\/bash\ndrwxr-xr-x\n$/);
  });

  it("gzip writes the flavour's header", async () => {
    const gnu = await sh(await debianLike(), "printf hi > /tmp/f; touch -d @1700000000 /tmp/f; gzip -9 -c /tmp/f | head -c 12 | od -An -c");
    expect(gnu.stdout).toBe(" 037 213  \\b  \\b  \\0 361   S   e 002 003   f  \\0\n");
    const bb = await freshSh("printf hi > /tmp/f; gzip -9 -c /tmp/f | head -c 10 | od -An -c");
    expect(bb.stdout).toBe(" 037 213  \\b  \\0  \\0  \\0  \\0  \\0  \\0 003\n");
  });

  it("an uncovered program still fails with 127 and the hint", async () => {
    const notes: string[] = [];
    const r = await freshSh("scanelf --needed /usr/local", { notes: (l) => void notes.push(l) });
    expect(r.exitCode).toBe(127);
    expect(notes.join("\n")).toContain('hint: declare what "scanelf" does');
  });
});

describe("ash and dash are not bash", () => {
  it("no brace expansion in sh scripts (ash and dash), but in bash", async () => {
    const r = await freshSh("mkdir -p /t/{b,c} && ls /t && echo x{1..2}y");
    expect(r.stdout).toBe("{b,c}\nx{1..2}y\n");
    const d = await sh(await debianLike(), "echo {a,b}; bash -c 'echo {a,b}'; echo {c,d}");
    expect(d.stdout).toBe("{a,b}\na b\n{c,d}\n");
  });
});

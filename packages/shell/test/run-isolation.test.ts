import { describe, expect, it } from "vitest";
import { baseFs, runStep, sh } from "./helpers.js";

/*
 * Each RUN is a fresh `/bin/sh -c` process in Docker: nothing of one RUN's shell reaches the
 * next one but the files it wrote. The shell keeps some things per process to make a step cheap
 * (just-bash's bundled commands, see exec/command-registry.ts); these tests hold every part of a
 * shell's state to that rule, across steps on one filesystem as a stage runs them.
 */
describe("what one RUN's shell does stays in that RUN", () => {
  it("variables, exports, functions, aliases, options, positional parameters, traps, cwd, umask and the hash table", async () => {
    // What a RUN's shell sees of all that, printed; asked after a RUN that set it all and on a fresh image.
    const probe = [
      'echo "X=${X-unset} Y=${Y-unset} R=${R-unset} args=$# OPTIND=$OPTIND opts=$-"',
      "command -v f || echo no-f; ll 2>/dev/null || echo no-alias; pwd; umask",
      "hash 2>&1; R=2 && echo R-writable; printf '%s\\n' /e*; false | true && echo no-pipefail; echo $undefined-ok",
    ].join("\n");
    const fresh = await sh(await baseFs(), probe);
    expect(fresh.stderr).toBe("");
    expect(fresh.stdout).toContain("X=unset Y=unset R=unset args=0 OPTIND=1");

    const fs = await baseFs();
    const first = await runStep(
      fs,
      [
        "X=1; export Y=2; f() { echo from-f; }; alias ll='echo aliased'",
        "set -e -u -x -o pipefail -f; set -- a b c; cd /etc; umask 077",
        "trap 'echo trapped' EXIT; ls >/dev/null; hash ls 2>/dev/null; readonly R=1; OPTIND=5",
      ].join("\n"),
    );
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toBe("trapped\n");
    const after = await sh(fs, probe);
    expect(after.stderr).toBe(fresh.stderr);
    expect(after.stdout).toBe(fresh.stdout);
  });

  it("a command that one RUN resolved is looked up again in the next (the image decides)", async () => {
    const fs = await baseFs();
    const first = await runStep(fs, "printf '#!/bin/sh\\necho first\\n' > /usr/local/bin/tool; chmod 755 /usr/local/bin/tool; tool");
    expect(first.stdout).toBe("first\n");
    await runStep(fs, "rm /usr/local/bin/tool; printf '#!/bin/sh\\necho second\\n' > /usr/bin/tool; chmod 755 /usr/bin/tool");
    const r = await sh(fs, "tool; command -v tool");
    expect(r.stdout).toBe("second\n/usr/bin/tool\n");
    await runStep(fs, "rm /usr/bin/tool");
    expect((await sh(fs, "command -v tool || echo none")).stdout).toBe("none\n");
    const gone = await sh(fs, "tool; echo status=$?");
    expect(gone.stdout).toBe("status=127\n");
    expect(gone.stderr).toBe("/bin/sh: tool: not found\n");
  });

  it("the user and the environment are the step's, not those of the step before", async () => {
    const fs = await baseFs();
    await runStep(fs, "echo 'app:x:1234:1234::/home/app:/bin/sh' >> /etc/passwd");
    const asApp = await sh(fs, 'id -u; echo "$HOME $A"', { user: "app", env: { PATH: "/usr/bin:/bin", A: "a" } });
    expect(asApp.stdout).toBe("1234\n/home/app a\n");
    const asRoot = await sh(fs, 'id -u; echo "$HOME ${A-unset} $PATH"');
    expect(asRoot.stdout).toBe("0\n/root unset /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
  });
});

describe("command -v and type look at the image as it is when asked", () => {
  it("find a program the step itself installed on PATH, as ash does", async () => {
    const fs = await baseFs();
    const r = await sh(fs, "printf '#!/bin/sh\\necho hi\\n' > /usr/bin/mine; chmod +x /usr/bin/mine; command -v mine; type mine; mine");
    expect(r.stdout).toBe("/usr/bin/mine\nmine is /usr/bin/mine\nhi\n");
  });

  it("know the shell's builtins and the image's programs without running them first", async () => {
    const fs = await baseFs();
    const r = await sh(fs, "command -v echo; command -v ls; type printf; command -v nosuch || echo none");
    expect(r.stdout).toBe("echo\n/bin/ls\nprintf is a shell builtin\nnone\n");
  });
});

describe("the step's process gets argv exactly as the RUN gave it", () => {
  it("exec form: words with quotes, newlines, $, globs, braces and backslashes reach the program unchanged", async () => {
    const words = ["it's", 'say "hi"', "a\nb", "$HOME", "*", "{a,b}", "back\\slash", "", " lead", "tab\tx", "é"];
    const r = await runStep(await baseFs(), ["printf", "[%s]\\n", ...words]);
    expect(r.stdout).toBe(words.map((w) => `[${w}]\n`).join(""));
  });

  it("shell form: the script is the shell's, $0 and the positional parameters as sh -c sets them", async () => {
    const r = await runStep(await baseFs(), ["/bin/sh", "-c", 'echo "$0|$1|$#|$*" \'{x,y}\' $((1+2))', "zero", "one", "two"]);
    expect(r.stdout).toBe("zero|one|2|one two {x,y} 3\n");
  });

  it("the environment of an exec-form program is the container's: no OLDPWD, PWD the working directory", async () => {
    const r = await runStep(await baseFs(), ["env"], { env: { PATH: "/usr/bin:/bin", A: "1" }, cwd: "/etc" });
    const names = r.stdout.trim().split("\n").map((l) => l.split("=")[0]).sort();
    expect(names).not.toContain("OLDPWD");
    expect(r.stdout).toContain("A=1\n");
    expect(r.stdout).toContain("HOME=/root\n");
  });
});


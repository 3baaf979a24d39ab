#!/usr/bin/env python3
"""Write the `p-` conformance cases: RUN steps on conformance/busybox:1 whose programs' effects
(and outputs, kept in files) land in layers. Usage: p-cases.py OUT_DIR [NAME...]
Record them with packages/conformance/tools/record.py (see packages/shell/README.md, "Tests")."""
import json
import os
import sys

# Directory order (find, tar c) is the filesystem's own and is sorted before it lands in a file;
# dates without a time keep the time of day (busybox touch -d), so they are left out.
# Fixed dates, so that `ls -l`, `stat` and `tar` output do not depend on when the build ran.
T = "touch -d '2020-01-02 03:04:05'"

CASES = {
    "sort": [
        "mkdir /out && printf 'b 2\\nA 10\\na 1\\nB 3\\nb 2\\n_x 0\\n 9 z\\n' > /in",
        "sort /in > /out/plain; sort -n -k2 /in > /out/n; sort -r /in > /out/r; sort -u /in > /out/u; sort -f /in > /out/f",
        "sort -t' ' -k2,2n -k1,1r /in > /out/k; sort -b /in > /out/b; sort -s -k1,1 /in > /out/s; sort -c /in 2> /out/c-err; echo $? >> /out/c-err",
    ],
    "find": [
        "mkdir -p /t/a/b /t/c && touch /t/a/x.txt /t/a/b/y.txt /t/c/z.log '/t/sp ace.txt' && ln -s a /t/l",
        "cd /t && find . -print | sort > /all && find . -name '*.txt' -type f | sort > /txt && find . -type d -mindepth 1 | sort > /dirs",
        "find /t -name '*.txt' -exec chmod 600 {} \\; && find /t -type l -print > /links && find /t -name '*.log' -exec sh -c 'for f; do mv \"$f\" \"$f.old\"; done' sh {} +",
        "find /t -depth -type d | sort > /depth; find /t/a -maxdepth 1 | sort > /max; find /t -empty | sort > /empty; find /t -perm 600 | sort > /perm",
    ],
    "sed-i": [
        "printf 'alpha\\nbeta\\ngamma\\ndelta\\n' > /f && cp /f /g && cp /f /h",
        "sed -i 's/a/A/g' /f && sed -i.bak -e '1d' -e '$a end' /g && sed -i -n '2,3p' /h",
        "sed -e 's/\\(l\\)\\(t\\)/\\2\\1/' -e 'y/abc/xyz/' /g.bak > /y; sed '/eta/d' /g.bak > /d; sed = /g.bak > /eq; sed -E 's/(a+)/[\\1]/g' /g.bak > /ere",
        "printf 'k=v\\n# c\\nx = 1\\n' > /conf && sed -i -e '/^#/d' -e 's/ *= */=/' /conf && sed -i '1i [sec]' /conf",
    ],
    "awk": [
        "awk -F: '{print $1, $3}' /etc/passwd > /p; awk 'BEGIN{printf \"%05.2f|%x|%c|%-4s|\\n\", 3.14159, 255, 65, \"ab\"}' > /fmt",
        "printf '3 a\\n1 b\\n2 c\\n' > /in; awk '{s+=$1} END{print s, NR}' /in > /sum; awk 'NR%2' /in > /odd; awk '{print length($0)}' /in > /len",
        "awk -v x=5 'BEGIN{n=split(\"a:b:c\",arr,\":\"); print n, arr[3], substr(\"hello\",2,3), toupper(\"mix\"), x*2; s=\"aXbX\"; gsub(/X/,\"-\",s); print s, sprintf(\"%o\", 8)}' > /misc",
        "awk '$1 > 1 {print $2 > \"/gt\"} END{print \"done\"}' /in > /end; awk 'BEGIN{OFS=\",\"} {$1=$1; print}' /in > /ofs",
    ],
    "cut-tr": [
        "cut -d: -f1,3 /etc/passwd > /c1; cut -c2-4 /etc/passwd > /c2; cut -d: -f2- /etc/group > /c3; echo 'a b  c' | cut -d' ' -f3 > /c4",
        "tr a-z A-Z < /etc/passwd > /t1; printf 'a\\nb\\nc\\n' | tr -d '\\n' > /t2; echo 'a   b    c' | tr -s ' ' > /t3; echo 'hello 123' | tr -cd '0-9\\n' > /t4; echo abc | tr abc 'x-z' > /t5",
    ],
    "head-tail": [
        "seq 1 20 > /n; head -n 3 /n > /h3; head -c 5 /n > /hc; tail -n +15 /n > /tp; tail -c 4 /n > /tc; tail -n 2 /n > /t2; head /n > /h10; tail /n > /t10",
        "head -n 2 /n /etc/group > /hm; tail -n 1 /n /etc/group > /tm; head -n -17 /n > /hneg; printf 'no newline' | tail -c 3 > /tnn",
    ],
    "wc": [
        "printf 'one two\\nthree\\n\\nfour five six\\n' > /w; wc /w > /a; wc -l /w > /l; wc -c < /w > /c; wc -w /w /etc/passwd > /multi; wc -L /w > /L; printf 'x' | wc > /pipe",
    ],
    "xargs": [
        "mkdir /x && cd /x && echo a b c | xargs -n1 touch && printf '1\\n2\\n3\\n' | xargs -n1 sh -c 'echo $0 > /x/n$0'",
        "cd /x && ls | xargs echo > /x/list && printf 'p q\\nr\\n' | xargs -n 2 echo > /x/pairs && echo 'u v' | xargs -I{} echo '[{}]' > /x/repl && echo | xargs echo empty > /x/e",
        "printf 'f1\\0f 2\\0' | xargs -0 -n1 sh -c 'touch \"/x/$0\"' && printf 'a\\nb\\n' | xargs -t -n1 echo 2> /x/trace > /x/out",
    ],
    "tee": [
        "echo first | tee /a /b > /c && echo second | tee -a /a > /dev/null && printf 'z\\n' | tee /d | tr z Z > /e",
    ],
    "cp-a": [
        "mkdir -p /s/d/e && echo x > /s/f && chmod 640 /s/f && ln -s f /s/l && ln /s/f /s/h && chown 12:34 /s/d && chmod 2750 /s/d && echo y > /s/d/e/g && chmod 711 /s/d/e",
        "cp -a /s /a && cp -r /s /r && cp -p /s/f /p && cp /s/f /plain && cp -R /s/d /rd && cp -a /s/l /al && cp -L /s/l /deref",
        "mkdir /into && cp -a /s/. /into/ && cp /s/f /s/d/e/g /into/d/ 2>/err; echo $? >> /err",
    ],
    "install": [
        "echo data > /src && chmod 600 /src && install -m 750 -d /o/d && install -m 644 /src /o/d/ && install -D -m 600 /src /o/x/y/z && install /src /o/plain",
        "install -o 1000 -g 1000 -m 4755 /src /o/suid && install -d /o/a/b/c && install -m 0444 /src /o/d/ro && install -d -m 1777 /o/tmp",
    ],
    "ln": [
        "mkdir /d && echo t > /d/t && ln -s /d/t /l1 && ln -s t /d/l2 && ln /d/t /hard && ln -s /d /ld && ln -sf /etc/passwd /l1 && ln -sfn /etc /ld",
        "cd /d && ln -s ../etc e && ln -s nowhere dangling && ln t t2 && ln -s t t3 2>/err; ln -s x t 2>>/err; echo $? >> /err",
    ],
    "chmod-chown": [
        "mkdir -p /m/a/b && touch /m/a/f /m/a/b/g && ln -s f /m/a/lnk && chmod -R go-w,u+x /m && chmod u+s /m/a/f && chmod 1777 /m/a/b",
        "chown -R 1000:1000 /m/a && chown -h 7:8 /m/a/lnk && chgrp -R 50 /m/a/b && chmod g+s /m/a && chmod a=r,u+w /m/a/b/g && chmod 0 /m/a/f",
        "chmod -R 755 /m && chmod o-rx /m/a/b && chown 5 /m/a/b/g && chmod =rw,+X /m/a/b/g",
    ],
    "touch": [
        f"mkdir /t && {T} /t/a && touch -d '1999-12-31 23:59:59' /t/b && touch -t 202001020304.05 /t/c && touch -r /t/a /t/d && stat -c '%n %Y' /t/a /t/b /t/c /t/d > /times",
        "touch -d @1234567890 /t/e && stat -c '%Y %y' /t/e > /epoch && touch -c /t/nope && ls /t > /list",
    ],
    "mkdir": [
        "mkdir -m 700 /a && mkdir -p -m 750 /b/c/d && mkdir -p /e/f && mkdir /g /h && umask 077 && mkdir /i && mkdir -p /j/k",
        "mkdir -m u=rwx,g=rx /k && mkdir /a 2>/err; echo $? >> /err; mkdir -p /a /a/x && mkdir -m 1777 /tmp/s && mkdir -p '/sp ace/x'",
    ],
    "mktemp": [
        "f=$(mktemp) && echo x > $f && mv $f /m1 && d=$(mktemp -d) && touch $d/in && mv $d /md && g=$(mktemp /tmp/fooXXXXXX) && mv $g /m2 && h=$(mktemp -p /tmp) && mv $h /m3",
        "f=$(mktemp -u) && test ! -e $f && echo unused > /u && case $(mktemp -d /tmp/abc.XXXX) in /tmp/abc.????) echo ok > /pat;; esac && rm -rf /tmp/abc.*",
    ],
    "base64": [
        "printf 'hello, world\\n' > /t && base64 /t > /b && base64 -d /b > /d && printf '' | base64 > /empty && head -c 100 /bin/busybox | base64 > /bin64 && echo aGk= | base64 -d > /hi",
        "seq 1 100 | base64 > /long && base64 -d < /long > /longd && printf '\\000\\377\\200' | base64 > /bytes",
    ],
    "sums": [
        "printf 'a\\n' > /a && printf 'b\\n' > /b && md5sum /a /b > /md5 && sha1sum /a > /sha1 && sha256sum /a /b > /sha256 && sha512sum /b > /sha512",
        "sha256sum -c /sha256 > /check && md5sum -c /md5 > /check5 && echo x > /a && sha256sum -c /sha256 > /bad 2>&1; echo $? >> /bad; cd / && sha256sum a b | sha256sum > /sumsum",
        "printf 'b\\n' | md5sum > /stdin; sha1sum -c /sha1 > /c1 2>&1; echo $? >> /c1",
    ],
    "date": [
        "date -u -d @0 > /d0 && date -u -d '2020-02-29 12:00:00' '+%Y-%m-%d %H:%M:%S %j %a %b %u %U' > /d1 && date -u -d @1700000000 +%s > /d2",
        "date -u -d '2021-12-31' +%A.%B.%d.%e.%y > /d3 && date -u -d @86399 '+%I %p %M %T %D %F' > /d4 && date -u -R -d @0 > /d5 && TZ=UTC date -d '2000-01-01 00:00' +%s > /d6",
    ],
    "stat": [
        f"mkdir /s && echo hi > /s/f && chmod 4751 /s/f && ln -s f /s/l && mkdir /s/d && chown 3:4 /s/d && {T} /s/f /s/d && {T} -h /s/l",
        "stat -c '%a %A %U %G %u %g %s %F %n' /s/f /s/l /s/d > /a && stat -c '%N' /s/l > /n && stat -L -c '%F %s' /s/l > /L && stat -c '%Y %X %h' /s/f > /t && stat -c '%y' /s/d > /y",
    ],
    "printf": [
        "printf '\\302\\240|%s|\\n' nbsp > /nbsp && printf '%5d|%-5s|%x|%o|%e|%%|%c\\n' 42 ab 255 8 1.5 xyz > /fmt && printf '%s\\n' a b c > /repeat",
        "printf '%b\\n' 'a\\tb\\101' > /b && printf '\\x41\\101\\n' > /hex && printf '%.3s|%08.3f|%+d|% d\\n' abcdef 3.14159 5 7 > /prec && printf 'no newline' > /nn && printf '%d\\n' 0x1f 010 > /nums",
    ],
    "tar": [
        f"mkdir -p /src/top/sub && echo a > /src/top/a && echo b > /src/top/sub/b && ln -s a /src/top/l && ln /src/top/a /src/top/h && chown -R 5:6 /src/top/sub && chmod 700 /src/top/sub",
        "tar cf /tmp/t.tar -C /src top && mkdir /x1 /x2 && tar xf /tmp/t.tar -C /x1 && tar xf /tmp/t.tar -C /x2 --strip-components=1 && tar tf /tmp/t.tar | sort > /list && rm /tmp/t.tar",
        "cd /src && tar cf - top/sub | tar xf - -C /x1 --strip-components=2 && tar -cf /tmp/u.tar top/a && tar -xf /tmp/u.tar -C /tmp && mv /tmp/top /x3 && rm /tmp/u.tar",
    ],
    "yes": [
        "yes | head -n 5 > /y && yes abc | head -c 20 > /yc && yes a b | head -n 2 > /yab",
    ],
    "ls": [
        f"mkdir -p /l/d && echo 12345 > /l/f && ln -s f /l/s && chmod 751 /l/d && chown 1:2 /l/f && {T} /l/f /l/d /l && {T} -h /l/s",
        "ls -l /l > /o1 && ls -la /l/d > /o2 && ls -ln /l > /o3 && ls -1 /l > /o4 && ls -ld /l/d > /o5 && ls -R /l > /o6 && ls -A /l > /o7",
        "ls -lL /l > /o8 2>&1; ls /nope > /o9 2>&1; echo $? >> /o9; ls -F /l > /o10; ls -i /l >/dev/null; ls -s /l > /o11; ls -r /l > /o12",
    ],
    "pipeline": [
        "cut -d: -f1 /etc/passwd | sort | tr '\\n' ',' > /names && grep -c : /etc/passwd > /count && grep -n root /etc/passwd > /root && grep -v '^#' /etc/group | wc -l > /g",
        "printf 'b\\na\\nb\\nc\\na\\n' | sort | uniq -c > /uc && printf 'b\\na\\nb\\n' | sort | uniq -d > /ud && seq -w 1 10 > /seqw && seq -s, 3 > /seqs && seq 5 -2 1 > /seqd",
    ],
    "grep": [
        "printf 'foo\\nbar\\nFoo bar\\nbaz1\\n' > /i && grep -i foo /i > /a; grep -E 'ba(r|z)' /i > /b; grep -o 'ba.' /i > /c; grep -w bar /i > /d; grep -x bar /i > /e; grep -l foo /i /etc/passwd > /f",
        "grep -q nothing /i; echo $? > /g; grep -c '' /i > /h; grep -e foo -e baz /i > /j; grep -rn root /etc > /k; grep 'ba[rz]\\+' /i > /l 2>&1; grep -F '.' /i > /m; echo $? >> /m",
    ],
    "dd-misc": [
        "dd if=/dev/zero of=/z bs=1k count=3 2>/dev/null && printf 'abc' | dd conv=ucase 2>/dev/null > /u && dd if=/etc/passwd of=/p bs=1 skip=5 count=10 2>/dev/null",
        "truncate -s 10 /tr && truncate -s 2 /p && realpath /etc/../bin > /rp && basename /a/b/c.txt .txt > /bn && dirname /a/b/c > /dn && readlink /bin/sh > /rl",
    ],
    "rm-mv": [
        "mkdir -p /a/b/c /x && touch /a/b/c/f /a/g && mv /a/b /x/ && mv /a/g /x/h && rm -rf /x/b/c && rmdir /a && mkdir -p /p/q/r && rmdir -p /p/q/r",
        "mkdir /y && touch /y/1 /y/2 && rm /y/1 && rm -f /y/nope && rm /y/nope 2>/err; echo $? >> /err; mv /y /z && mv /etc/motd /etc/motd.old",
    ],
    "adduser": [
        "adduser -D -u 1001 bob && addgroup -g 2000 grp && addgroup bob grp && id bob > /id && mkdir /w && chown -R bob:grp /w && ls -ln / | grep ' w$' > /lsw",
    ],
    "cat-od": [
        "printf 'a\\n\\n\\nb\\tc\\n' > /i && cat -n /i > /n && cat -A /i > /A 2>&1; cat -v /i > /v; cat /i /i > /twice",
    ],
    "env-shell": [
        "export A=1 B='x y' && env | sort | grep -E '^(A|B|HOME|PATH|PWD)=' > /env && set -- p q r && echo \"$# $2 $*\" > /args && echo ${A:-d} ${C:-d} ${#B} > /param",
        "for i in 1 2 3; do echo $i; done > /loop && i=0 && while [ $i -lt 3 ]; do i=$((i+1)); done && echo $i > /while && case abc in a*) echo yes > /case;; esac && f() { echo \"f:$1\"; } && f arg > /func",
    ],
    "printf-utf8": [
        "printf '\\303\\251t\\303\\251\\n' > /e && wc -c /e > /ec && cut -c1-2 /e > /cut && tr -d '\\251' < /e > /tr && printf '%5s|\\n' é > /pad && ls -l /e | cut -d' ' -f1 > /perm",
    ],
    "sort-files": [
        "printf '10\\n9\\n-1\\n1e2\\n0x10\\n 5\\nabc\\n' > /n && sort -n /n > /sn && sort -g /n > /sg 2>&1; sort -h /n > /sh 2>/dev/null; echo $? >> /sh; printf 'b,2\\na,10\\nc,1\\n' | sort -t, -k2 -n > /kt && sort -o /n /n && sort -m /n /sn > /merged",
    ],
}


def main():
    out = sys.argv[1]
    names = sys.argv[2:] or list(CASES)
    for name in names:
        runs = CASES[name]
        d = os.path.join(out, f"p-{name}")
        os.makedirs(os.path.join(d, "context"), exist_ok=True)
        lines = ["FROM conformance/busybox:1"] + [f"RUN {r}" for r in runs]
        with open(os.path.join(d, "context", "Dockerfile"), "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(os.path.join(d, "case.json"), "w") as f:
            json.dump({"description": f"busybox programs: {name}", "bases": ["busybox"], "tag": f"programs-gen/p-{name}:latest"}, f)
            f.write("\n")


if __name__ == "__main__":
    main()

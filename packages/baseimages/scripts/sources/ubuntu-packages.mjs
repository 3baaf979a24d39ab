// The binary packages (name=version; ":amd64" marks Multi-Arch: same) of the official Ubuntu
// images, from docker-library/repo-info (fork maxmood96/repo-info): repos/ubuntu/local/22.04.md
// (ubuntu:22.04, created 2026-01-09) and repos/ubuntu/local/24.04.md (ubuntu:24.04, 2026-05-20).
export const JAMMY = `
libacl1:amd64=2.3.1-1 adduser=3.118ubuntu5 apt=2.4.14 libapt-pkg6.0:amd64=2.4.14 libattr1:amd64=1:2.5.1-1build1
libaudit-common=1:3.0.7-1build1 libaudit1:amd64=1:3.0.7-1build1 base-files=12ubuntu4.7 base-passwd=3.5.52build1
bash=5.1-6ubuntu1.1 libbz2-1.0:amd64=1.0.8-5build1 libdebconfclient0:amd64=0.261ubuntu1 coreutils=8.32-4.1ubuntu1.2
dash=0.5.11+git20210903+057cd650a4ed-3build1 libdb5.3:amd64=5.3.28+dfsg1-0.8ubuntu3 debconf=1.5.79ubuntu1
debianutils=5.5-1ubuntu2 diffutils=1:3.8-0ubuntu2 dpkg=1.21.1ubuntu2.6 e2fsprogs=1.46.5-2ubuntu1.2
libcom-err2:amd64=1.46.5-2ubuntu1.2 libext2fs2:amd64=1.46.5-2ubuntu1.2 libss2:amd64=1.46.5-2ubuntu1.2
logsave=1.46.5-2ubuntu1.2 findutils=4.8.0-1ubuntu3 gcc-12-base:amd64=12.3.0-1ubuntu1~22.04.2
libgcc-s1:amd64=12.3.0-1ubuntu1~22.04.2 libstdc++6:amd64=12.3.0-1ubuntu1~22.04.2 libc-bin=2.35-0ubuntu3.11
libc6:amd64=2.35-0ubuntu3.11 libgmp10:amd64=2:6.2.1+dfsg-3ubuntu1 gpgv=2.2.27-3ubuntu2.5 libgnutls30:amd64=3.7.3-4ubuntu1.7
grep=3.7-1build1 gzip=1.10-4ubuntu4.1 hostname=3.23ubuntu2 init-system-helpers=1.62 libkeyutils1:amd64=1.6.1-2ubuntu3
libgssapi-krb5-2:amd64=1.19.2-2ubuntu0.7 libk5crypto3:amd64=1.19.2-2ubuntu0.7 libkrb5-3:amd64=1.19.2-2ubuntu0.7
libkrb5support0:amd64=1.19.2-2ubuntu0.7 libcap-ng0:amd64=0.7.9-2.2build3 libcap2:amd64=1:2.44-1ubuntu0.22.04.2
libffi8:amd64=3.4.2-4 libgcrypt20:amd64=1.9.4-3ubuntu3 libgpg-error0:amd64=1.43-3 libidn2-0:amd64=2.3.2-2build1
libnsl2:amd64=1.3.0-2build2 libseccomp2:amd64=2.5.3-2ubuntu3~22.04.1 libselinux1:amd64=3.3-1build2
libsemanage-common=3.3-1build2 libsemanage2:amd64=3.3-1build2 libsepol2:amd64=3.3-1build1
libtasn1-6:amd64=4.18.0-4ubuntu0.1 libtirpc-common=1.3.2-2ubuntu0.1 libtirpc3:amd64=1.3.2-2ubuntu0.1
libunistring2:amd64=1.0-1 libcrypt1:amd64=1:4.4.27-1 libzstd1:amd64=1.4.8+dfsg-3build1 lsb-base=11.1.0ubuntu4
liblz4-1:amd64=1.9.3-2build2 mawk=1.3.4.20200120-3 libncurses6:amd64=6.3-2ubuntu0.1 libncursesw6:amd64=6.3-2ubuntu0.1
libtinfo6:amd64=6.3-2ubuntu0.1 ncurses-base=6.3-2ubuntu0.1 ncurses-bin=6.3-2ubuntu0.1 libhogweed6:amd64=3.7.3-1build2
libnettle8:amd64=3.7.3-1build2 libssl3:amd64=3.0.2-0ubuntu1.20 libp11-kit0:amd64=0.24.0-6build1
libpam-modules:amd64=1.4.0-11ubuntu2.6 libpam-modules-bin=1.4.0-11ubuntu2.6 libpam-runtime=1.4.0-11ubuntu2.6
libpam0g:amd64=1.4.0-11ubuntu2.6 libpcre2-8-0:amd64=10.39-3ubuntu0.1 libpcre3:amd64=2:8.39-13ubuntu0.22.04.1
perl-base=5.34.0-3ubuntu1.5 libprocps8:amd64=2:3.3.17-6ubuntu2.1 procps=2:3.3.17-6ubuntu2.1 sed=4.8-1ubuntu2
sensible-utils=0.0.17 login=1:4.8.1-2ubuntu2.2 passwd=1:4.8.1-2ubuntu2.2 libsystemd0:amd64=249.11-0ubuntu3.17
libudev1:amd64=249.11-0ubuntu3.17 sysvinit-utils=3.01-1ubuntu1 tar=1.34+dfsg-1ubuntu0.1.22.04.2
ubuntu-keyring=2021.03.26 usrmerge=25ubuntu2 bsdutils=1:2.37.2-4ubuntu3.4 libblkid1:amd64=2.37.2-4ubuntu3.4
libmount1:amd64=2.37.2-4ubuntu3.4 libsmartcols1:amd64=2.37.2-4ubuntu3.4 libuuid1:amd64=2.37.2-4ubuntu3.4
mount=2.37.2-4ubuntu3.4 util-linux=2.37.2-4ubuntu3.4 libxxhash0:amd64=0.8.1-1 liblzma5:amd64=5.2.5-2ubuntu1
zlib1g:amd64=1:1.2.11.dfsg-2ubuntu9.2
`;

export const NOBLE = `
libacl1:amd64=2.3.2-1build1.1 apt=2.8.3 libapt-pkg6.0t64:amd64=2.8.3 libattr1:amd64=1:2.5.2-1build1.1
libaudit-common=1:3.1.2-2.1build1.1 libaudit1:amd64=1:3.1.2-2.1build1.1 base-files=13ubuntu10.4 base-passwd=3.6.3build1
bash=5.2.21-2ubuntu4 libbz2-1.0:amd64=1.0.8-5.1build0.1 libdebconfclient0:amd64=0.271ubuntu3 coreutils=9.4-3ubuntu6.2
dash=0.5.12-6ubuntu5 libdb5.3t64:amd64=5.3.28+dfsg2-7 debconf=1.5.86ubuntu1 debianutils=5.17build1
diffutils=1:3.10-1build1 dpkg=1.22.6ubuntu6.6 e2fsprogs=1.47.0-2.4~exp1ubuntu4.1 libcom-err2:amd64=1.47.0-2.4~exp1ubuntu4.1
libext2fs2t64:amd64=1.47.0-2.4~exp1ubuntu4.1 libss2:amd64=1.47.0-2.4~exp1ubuntu4.1 logsave=1.47.0-2.4~exp1ubuntu4.1
findutils=4.9.0-5build1 gcc-14-base:amd64=14.2.0-4ubuntu2~24.04.1 libgcc-s1:amd64=14.2.0-4ubuntu2~24.04.1
libstdc++6:amd64=14.2.0-4ubuntu2~24.04.1 libc-bin=2.39-0ubuntu8.7 libc6:amd64=2.39-0ubuntu8.7
libgmp10:amd64=2:6.3.0+dfsg-2ubuntu6.1 gpgv=2.4.4-2ubuntu17.4 libgnutls30t64:amd64=3.8.3-1.1ubuntu3.5 grep=3.11-4build1
gzip=1.12-1ubuntu3.1 hostname=3.23+nmu2ubuntu2 init-system-helpers=1.66ubuntu1 libassuan0:amd64=2.5.6-1build1
libcap-ng0:amd64=0.8.4-2build2 libcap2:amd64=1:2.66-5ubuntu2.4 libffi8:amd64=3.4.6-1build1
libgcrypt20:amd64=1.10.3-2build1 libgpg-error0:amd64=1.47-3build2.1 libidn2-0:amd64=2.3.7-2build1.1
libmd0:amd64=1.1.0-2build1.1 libseccomp2:amd64=2.5.5-1ubuntu3.1 libselinux1:amd64=3.5-2ubuntu2.1
libsemanage-common=3.5-1build5 libsemanage2:amd64=3.5-1build5 libsepol2:amd64=3.5-2build1
libtasn1-6:amd64=4.19.0-3ubuntu0.24.04.2 libunistring5:amd64=1.1-2build1.1 libcrypt1:amd64=1:4.4.36-4build1
libzstd1:amd64=1.5.5+dfsg2-2build1.1 liblz4-1:amd64=1.9.4-1build1.1 mawk=1.3.4.20240123-1build1
libncursesw6:amd64=6.4+20240113-1ubuntu2 libtinfo6:amd64=6.4+20240113-1ubuntu2 ncurses-base=6.4+20240113-1ubuntu2
ncurses-bin=6.4+20240113-1ubuntu2 libhogweed6t64:amd64=3.9.1-2.2build1.1 libnettle8t64:amd64=3.9.1-2.2build1.1
libnpth0t64:amd64=1.6-3.1build1 libssl3t64:amd64=3.0.13-0ubuntu3.9 libp11-kit0:amd64=0.25.3-4ubuntu2.1
libpam-modules:amd64=1.5.3-5ubuntu5.5 libpam-modules-bin=1.5.3-5ubuntu5.5 libpam-runtime=1.5.3-5ubuntu5.5
libpam0g:amd64=1.5.3-5ubuntu5.5 libpcre2-8-0:amd64=10.42-4ubuntu2.1 perl-base=5.38.2-3.2ubuntu0.2
libproc2-0:amd64=2:4.0.4-4ubuntu3.2 procps=2:4.0.4-4ubuntu3.2 sed=4.9-2ubuntu0.24.04.1 sensible-utils=0.0.22
login=1:4.13+dfsg1-4ubuntu3.2 passwd=1:4.13+dfsg1-4ubuntu3.2 libsystemd0:amd64=255.4-1ubuntu8.15
libudev1:amd64=255.4-1ubuntu8.15 sysvinit-utils=3.08-6ubuntu3 tar=1.35+dfsg-3build1 ubuntu-keyring=2023.11.28.1
unminimize=0.2.1 bsdutils=1:2.39.3-9ubuntu6.5 libblkid1:amd64=2.39.3-9ubuntu6.5 libmount1:amd64=2.39.3-9ubuntu6.5
libsmartcols1:amd64=2.39.3-9ubuntu6.5 libuuid1:amd64=2.39.3-9ubuntu6.5 mount=2.39.3-9ubuntu6.5
util-linux=2.39.3-9ubuntu6.5 libxxhash0:amd64=0.8.2-2build1 liblzma5:amd64=5.6.1+really5.4.5-1ubuntu0.2
zlib1g:amd64=1:1.3.dfsg-3.1ubuntu2.1
`;

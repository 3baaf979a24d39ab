/** The Docker release whose behaviour tsbuild reproduces; written where Docker writes its version. */
export const DOCKER_VERSION = "20.10.24";

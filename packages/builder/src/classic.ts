/** Docker 20.10's classic builder on a flag only BuildKit implements (dispatchers.go). */
export function requiresBuildKit(flag: string): string {
  return `the --${flag} option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled`;
}

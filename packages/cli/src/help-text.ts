/**
 * One line per option, as `docker build --help` has them: [value type, description]. An option
 * shared by many commands is described once; a command's own line wins. Docker's types: `string`,
 * `list` (repeatable), and none for a boolean.
 */
type Line = [type: string, text: string];

const shared: Record<string, Line> = {
  root: ["string", "Store directory (default $TSBUILD_ROOT, else ~/.local/share/tsbuild)"],
  quiet: ["", "Only show image IDs"],
  format: ["string", "Pretty-print using a Go template"],
  "no-trunc": ["", "Don't truncate output"],
  json: ["", "Print the result as JSON"],
  "build-arg": ["list", "Set build-time variables"],
  target: ["string", "Set the target build stage to build"],
  all: ["", "Show all images (default hides intermediate images)"],
  force: ["", "Do not prompt for confirmation"],
  filter: ["list", "Provide filter values (e.g. 'until=<timestamp>')"],
  verbose: ["", "Show detailed information on space usage"],
};

const perCommand: Record<string, Record<string, Line>> = {
  build: {
    file: ["string", "Name of the Dockerfile (Default is 'PATH/Dockerfile')"],
    tag: ["list", "Name and optionally a tag in the 'name:tag' format"],
    "no-cache": ["", "Do not use cache when building the image"],
    quiet: ["", "Suppress the build output and print image ID on success"],
    reproducible: ["", "Fix every timestamp (as SOURCE_DATE_EPOCH=0): same inputs, same image ID"],
    "explain-cache": ["", "Say why each step missed the build cache"],
    explain: ["", "After the build, explain the image's size layer by layer"],
    "run-timeout": ["string", "Stop a RUN that runs longer than this many seconds"],
    "force-rm": ["", "Always remove intermediate containers"],
    rm: ["", "Remove intermediate containers after a successful build (default true)"],
    label: ["list", "Set metadata for an image"],
    iidfile: ["string", "Write the image ID to the file"],
    progress: ["string", "Set type of progress output (auto, plain, tty) (default \"auto\")"],
    network: ["string", "Set the networking mode for the RUN instructions during build (default \"default\")"],
    platform: ["string", "Set platform if server is multi-platform capable"],
    pull: ["", "Always attempt to pull a newer version of the image"],
    secret: ["stringArray", "Secret file to expose to the build (only if BuildKit enabled): id=mysecret,src=/local/secret"],
    "cache-from": ["stringArray", "Images to consider as cache sources"],
    "build-context": ["stringArray", "Additional build contexts (e.g., name=path, name=docker-image://ref) (BuildKit)"],
    buildkit: ["", "Build as BuildKit does (also DOCKER_BUILDKIT=1); the classic builder otherwise"],
    offline: ["", "Pull nothing: FROM names the store lacks come from the built-in images or fail"],
  },
  pull: {
    platform: ["string", "Set platform if server is multi-platform capable"],
    quiet: ["", "Suppress verbose output"],
  },
  push: { quiet: ["", "Suppress verbose output"] },
  login: {
    username: ["string", "Username"],
    password: ["string", "Password"],
    "password-stdin": ["", "Take the password from stdin"],
  },
  check: {
    dockerfile: ["string", "Build this Dockerfile in memory and check the result instead of a stored image"],
    config: ["string", "Rules file in dive's .dive-ci format (default: .dive-ci beside the Dockerfile)"],
  },
  compare: {},
  demo: { keep: ["", "Keep the demo's store after it ends"] },
  explain: {
    html: ["string", "Write an interactive, self-contained HTML report to this file"],
    "no-color": ["", "Do not color the output"],
  },
  history: {
    human: ["", "Print sizes and dates in human readable format (default true)"],
    quiet: ["", "Only show image IDs"],
  },
  import: {
    message: ["string", "Set commit message for imported image"],
    change: ["list", "Apply Dockerfile instruction to the created image"],
  },
  inspect: { format: ["string", "Format the output using the given Go template"] },
  load: {
    input: ["string", "Read from tar archive file, instead of STDIN"],
    quiet: ["", "Suppress the load output"],
  },
  rmi: {
    force: ["", "Force removal of the image"],
    "no-prune": ["", "Do not delete untagged parents"],
  },
  save: { output: ["string", "Write to a file, instead of STDOUT"] },
  "image prune": { all: ["", "Remove all unused images, not just dangling ones"] },
  "builder prune": { all: ["", "Remove all unused build cache, not just dangling ones"] },
};

export function optionLine(command: string, option: string): Line | undefined {
  return perCommand[command]?.[option] ?? shared[option];
}

import type { Random } from "./random.js";

/**
 * BuildKit-only steps (the "buildkit" family, chosen with --family buildkit): COPY/ADD --chmod,
 * RUN --mount of every kind Docker 20.10's built-in frontend has, several sources to a destination
 * without a slash (BuildKit copies them in turn). Cache ids are made from the seed and index: the
 * daemon keeps cache mounts across builds (those on a base even across --no-cache), so two
 * recordings must never share one.
 */
const CHMODS = ["755", "0600", "4755", "700", "0444", "2775"];
const CTX_SOURCES = ["a.txt", "run.sh", "d", "d/", "d/*", "*.txt", "lnk", "dl", "secret.key"];
const DESTS = ["/dst/", "/dst", "/new/deep/", "rel/x", "."];

export function buildkitStep(r: Random, uniq: () => string, hasSrcStage: boolean): string {
  switch (r.int(6)) {
    case 0: {
      const kind = r.chance(0.3) ? "ADD" : "COPY";
      const own = r.chance(0.4) ? ` --chown=${r.pick(["4000", "4000:4001", "nobody"])}` : "";
      return `${kind} --chmod=${r.pick(CHMODS)}${own} ${r.pick(CTX_SOURCES)} ${r.pick(DESTS)}`;
    }
    case 1:
      // Several sources, a destination without a slash: each is copied there in turn.
      return `COPY ${r.some(CTX_SOURCES, 2 + r.int(2)).join(" ")} ${r.pick(["/multi", "/dst", "rel/m"])}`;
    case 2: {
      const target = r.pick(["/root/.cache", "/var/cache/x", "cache", "/tmp/c"]);
      const id = r.chance(0.6) ? `,id=${uniq()}` : "";
      const sharing = r.chance(0.3) ? `,sharing=${r.pick(["shared", "private", "locked"])}` : "";
      return `RUN --mount=type=cache,target=${target}${id}${sharing} mkdir -p ${target}/sub && echo c >> ${target}/sub/f && ls ${target} > /cache-ls && echo ran > /ran`;
    }
    case 3: {
      const from = hasSrcStage && r.chance(0.5) ? ",from=src,source=/srcd" : r.chance(0.5) ? ",source=d" : "";
      const rw = r.chance(0.3) ? ",rw" : "";
      // What a write there does goes into the layer: a bind without rw is read-only (EROFS).
      return `RUN --mount=type=bind,target=/mnt/b${from}${rw} ls /mnt/b > /bind-ls && touch /mnt/b/new 2>/bind-err; echo "touch $?" >> /bind-err; mkdir /mnt/b/m 2>>/bind-err; echo "mkdir $?" >> /bind-err; echo done > /bind-done`;
    }
    case 4:
      return `RUN --mount=type=tmpfs,target=${r.pick(["/tmp", "/scratch", "/var/tmp"])} echo t > /ran-tmpfs`;
    default:
      return `COPY --from=${hasSrcStage ? "src" : "conformance/busybox:1"} --chmod=${r.pick(CHMODS)} ${hasSrcStage ? r.pick(["/srcd", "/srcd/f", "/srcd/sub"]) : "/etc/passwd"} /out/`;
  }
}

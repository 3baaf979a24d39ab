import type { InstructionKind } from "./types.js";

// Docker 20.10 substitutes variables in the instructions whose command type has an Expand
// method (ENV LABEL ADD COPY WORKDIR USER VOLUME STOPSIGNAL ARG), plus FROM (image name and
// --platform, with the global ARGs only) and EXPOSE (split into several words). COPY/ADD
// substitute --chown but not --from or --chmod. RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK,
// MAINTAINER and ONBUILD are stored as written (RUN's shell does its own expansion).
const substituting = new Set<InstructionKind>([
  "ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG",
]);

/** Whether Docker substitutes variables in this instruction's arguments. */
export function substitutes(kind: InstructionKind): boolean {
  return substituting.has(kind);
}

import { describe, expect, test } from "vitest";
import { instructionFromHistory, shorten } from "../src/steps.js";

describe("the instruction behind a history entry", () => {
  test.each([
    ["/bin/sh -c apk add curl", "RUN", "RUN apk add curl"],
    ["/bin/sh -c #(nop)  ENV A=1", "ENV", "ENV A=1"],
    ["/bin/sh -c #(nop) COPY file:abc in /data/ ", "COPY", "COPY file:abc in /data/"],
    ["/bin/sh -c #(nop) WORKDIR /app", "WORKDIR", "WORKDIR /app"],
    ["|2 A=1 B=2 /bin/sh -c echo $A", "RUN", "RUN echo $A"],
    ["RUN /bin/sh -c apk add git # buildkit", "RUN", "RUN apk add git"],
    ["COPY . . # buildkit", "COPY", "COPY . ."],
    ["/bin/bash -c set -e; make", "RUN", "RUN set -e; make"],
    ["echo exec form", "RUN", "RUN echo exec form"],
    ["", "", ""],
  ])("%j", (createdBy, instruction, text) => {
    expect(instructionFromHistory(createdBy)).toEqual({ instruction, text });
  });
});

describe("shorten", () => {
  test("keeps short text, cuts long commands to their first three and last two words", () => {
    expect(shorten("RUN apk del .build-deps")).toBe("RUN apk del .build-deps");
    expect(shorten("RUN apk add --no-cache --virtual .build-deps gcc make")).toBe("RUN apk add … gcc make");
  });

  test("continuation lines become one line; COPY hashes keep 12 digits", () => {
    expect(shorten("RUN a \\\n  && b")).toBe("RUN a && b");
    expect(shorten("COPY file:896a29c302ff869e0676c2d6c88a0ab756ebb0493705804dc706321903a74e88 in /data/blob.bin")).toBe(
      "COPY file:896a29c302ff… in /data/blob.bin",
    );
  });
});

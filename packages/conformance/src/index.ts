export { runCase, caseNames } from "./run-case.js";
export { describeImage } from "./describe.js";
export { compareCase, passes, type Aspects } from "./compare.js";
export { CONFORMANCE_BASES, importConformanceBase } from "./bases.js";

import { size } from "./lib.js";

/** CI sample (a few minutes on 2 cores) and the full sizes. */
export const crashKills = size(4, 200);
export const concurrencyRounds = size(1, 10);
export const fuzzParserRuns = size(10_000, 62_000);
export const fuzzBuildRuns = size(20, 700);
export const archivesCount = size(120, 1_200);
export const scaleImages = size(500, 5_000);
export const scaleStages = size(40, 400);
export const scaleEnvLines = size(400, 4_000);

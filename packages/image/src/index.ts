export * from "./config.js";
export * from "./digest.js";
export * from "./lazy.js";
export * from "./types.js";
export * from "./reference.js";
export * from "./build-record.js";
export * from "./go-order.js";

/**
 * crc64 in WebAssembly: the same slicing by 8 as crc64.ts, on 64-bit words (JavaScript has to
 * split the register into two 32-bit halves, WebAssembly does not). The module is crc64.wat
 * compiled by wabt's wat2wasm (`wat2wasm crc64.wat -o - | base64 -w0`, 304 bytes); the
 * caller's tables are copied into its memory, the data in windows of 1 MiB. Undefined where
 * WebAssembly is unavailable (node --jitless): crc64.ts then stays in JavaScript.
 */
const MODULE = "AGFzbQEAAAABCAFgA35/fwF+AwIBAAUDAQABBxMCBm1lbW9yeQIABnVwZGF0ZQAACv0BAfoBAgF/AX4gASACQXhxaiEDAkADQCABIANPDQEgACABKQMAhSEEIARC/wGDp0EDdCkDgHAgBEIIiEL/AYOnQQN0KQOAYIUgBEIQiEL/AYOnQQN0KQOAUIUgBEIYiEL/AYOnQQN0KQOAQIUgBEIgiEL/AYOnQQN0KQOAMIUgBEIoiEL/AYOnQQN0KQOAIIUgBEIwiEL/AYOnQQN0KQOAEIUgBEI4iEL/AYOnQQN0KQMAhSEAIAFBCGohAQwACwsgAyACQQdxaiEDAkADQCABIANPDQEgACABMQAAhUL/AYOnQQN0KQMAIABCCIiFIQAgAUEBaiEBDAALCyAACw==";
/** Where the data goes: after the eight tables of 256 8-byte words. */
const DATA = 8 * 256 * 8;
const WINDOW = 1 << 20;
const PAGE = 65536;

export interface WasmCrc64 {
  /** Advances the (inverted) register given as two 32-bit halves. */
  update(hi: number, lo: number, data: Uint8Array): [hi: number, lo: number];
}

export function loadWasmCrc64(tableHi: Uint32Array, tableLo: Uint32Array): WasmCrc64 | undefined {
  let memory: WebAssembly.Memory;
  let update: (crc: bigint, at: number, length: number) => bigint;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(MODULE, "base64")));
    memory = instance.exports.memory as WebAssembly.Memory;
    update = instance.exports.update as typeof update;
    memory.grow(Math.ceil((DATA + WINDOW) / PAGE) - memory.buffer.byteLength / PAGE);
  } catch {
    return undefined;
  }
  const words = new Uint32Array(memory.buffer, 0, DATA / 4);
  // Little-endian 64-bit words: the low half first.
  for (let i = 0; i < tableLo.length; i++) {
    words[2 * i] = tableLo[i];
    words[2 * i + 1] = tableHi[i];
  }
  const bytes = new Uint8Array(memory.buffer);
  return {
    update(hi, lo, data) {
      let crc = (BigInt(hi) << 32n) | BigInt(lo);
      for (let at = 0; at < data.length; at += WINDOW) {
        const part = data.subarray(at, at + WINDOW);
        bytes.set(part, DATA);
        crc = update(crc, DATA, part.length);
      }
      crc = BigInt.asUintN(64, crc);
      return [Number(crc >> 32n), Number(crc & 0xffffffffn)];
    },
  };
}

import { describe, expect, it } from "vitest";
import { Progress } from "../src/progress.js";

function harness() {
  let t = 0;
  let tick: () => void = () => {};
  const written: string[] = [];
  const p = new Progress({ write: (s) => written.push(s), now: () => t, setInterval: (fn) => ((tick = fn), 1), clearInterval: () => {} });
  return { p, written, advance: (ms: number) => ((t += ms), tick()) };
}

describe("terminal progress", () => {
  it("shows the running step after a silence and wipes it before the next output", () => {
    const { p, written, advance } = harness();
    p.output("Step 2/5 : RUN make\n");
    advance(300);
    expect(written).toEqual([]);
    advance(900);
    expect(written.pop()).toMatch(/^\r\x1b\[2K. Step 2\/5 running 1\.2s$/);
    p.output(" ---> Running in abc\n");
    expect(written.pop()).toBe("\r\x1b[2K");
    p.stop();
  });

  it("says nothing before the first step", () => {
    const { written, advance } = harness();
    advance(5000);
    expect(written).toEqual([]);
  });
});

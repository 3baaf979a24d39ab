/**
 * Progress for long builds on a terminal: while a step is silent for a moment, a status line
 * (spinner, step, elapsed time) is redrawn in place on stderr and wiped before the next output.
 * Off a terminal nothing is added: the output stays Docker's plain lines.
 */
export interface ProgressOptions {
  write: (s: string) => void;
  now?: () => number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (h: unknown) => void;
  /** Silence before the status line appears, ms. */
  quietMs?: number;
}

const FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

export class Progress {
  private step = "";
  private since = 0;
  private lastOutput = 0;
  private shown = false;
  private frame = 0;
  private timer: unknown;
  private readonly now: () => number;

  constructor(private readonly opts: ProgressOptions) {
    this.now = opts.now ?? Date.now;
    const every = opts.setInterval ?? ((fn, ms) => setInterval(fn, ms).unref());
    this.timer = every(() => this.tick(), 100);
  }

  /** Call with every chunk of build output before it is written. */
  output(text: string): void {
    this.wipe();
    const m = /(?:^|\n)(Step \d+\/\d+) : /.exec(text);
    if (m) {
      this.step = m[1];
      this.since = this.now();
    }
    this.lastOutput = this.now();
  }

  tick(): void {
    if (!this.step || this.now() - this.lastOutput < (this.opts.quietMs ?? 700)) return;
    const secs = ((this.now() - this.since) / 1000).toFixed(1);
    this.opts.write(`\r\x1b[2K${FRAMES[this.frame++ % FRAMES.length]} ${this.step} running ${secs}s`);
    this.shown = true;
  }

  stop(): void {
    this.wipe();
    (this.opts.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout)))(this.timer);
  }

  private wipe(): void {
    if (!this.shown) return;
    this.opts.write("\r\x1b[2K");
    this.shown = false;
  }
}

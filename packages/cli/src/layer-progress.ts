import { humanSize } from "@tsbuild/dockerfmt";

/**
 * Docker's terminal rendering of pull/push lines (jsonmessage.DisplayJSONMessagesStream): each
 * layer keeps one line, rewritten in place (cursor up, clear, rewrite, back down); any other line
 * is printed below and starts a new block.
 */
export class LayerProgress {
  private readonly rows = new Map<string, number>();
  private lastBar = new Map<string, number>();

  constructor(private readonly write: (s: string) => void) {}

  /** A line as pull/push print it: `ID: status\n` or anything else. */
  line = (text: string): void => {
    for (const l of text.split(/(?<=\n)/)) {
      const m = /^([a-f0-9]{12}): (.*)\n$/.exec(l);
      if (m) this.set(m[1], m[2]);
      else {
        this.rows.clear();
        this.write(l);
      }
    }
  };

  /** `Downloading [=====>    ]  1.2MB/3.4MB`, at most one redraw per 2% per layer. */
  bytes = (id: string, received: number, total: number): void => {
    const pct = total > 0 ? Math.floor((received / total) * 50) : 0;
    if (this.lastBar.get(id) === pct && received !== total) return;
    this.lastBar.set(id, pct);
    const bar = pct >= 50 ? "=".repeat(50) : "=".repeat(pct) + ">" + " ".repeat(49 - pct);
    this.set(id, `Downloading [${bar}]  ${humanSize(received)}/${humanSize(total)}`);
  };

  private set(id: string, status: string): void {
    const row = this.rows.get(id);
    if (row === undefined) {
      this.rows.set(id, this.rows.size);
      this.write(`${id}: ${status}\n`);
      return;
    }
    const up = this.rows.size - row;
    this.write(`\x1b[${up}A\r\x1b[2K${id}: ${status}\r\x1b[${up}B`);
  }
}

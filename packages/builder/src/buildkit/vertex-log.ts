/**
 * A RUN's output as BuildKit's plain progress prints it: each line as `#N S.SSS text`, S the
 * seconds since the vertex started (recorded: `#7 0.075 /bin/sh: can't create /m/f: …`),
 * stdout and stderr alike; a last line without a newline is printed when the command ends.
 */
export class VertexLog {
  private readonly started = performance.now();
  private pending = "";

  constructor(
    private readonly vertex: number,
    private readonly say: (line: string) => void,
  ) {}

  write(text: string): void {
    const lines = (this.pending + text).split("\n");
    this.pending = lines.pop() ?? "";
    for (const line of lines) this.emit(line);
  }

  end(): void {
    if (this.pending) this.emit(this.pending);
    this.pending = "";
  }

  private emit(line: string): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(3);
    this.say(`#${this.vertex} ${seconds} ${line}`);
  }
}

import { randomBytes, createHash } from "node:crypto";
import { goTime } from "@tsbuild/dockerfmt";

/** Timestamps and container IDs; deterministic when SOURCE_DATE_EPOCH is set. */
export class Clock {
  private seq = 0;
  constructor(
    private readonly epoch?: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get reproducible(): boolean {
    return this.epoch !== undefined;
  }

  date(): Date {
    return this.epoch !== undefined ? new Date(this.epoch * 1000) : this.now();
  }

  /** RFC 3339 with nanoseconds, as Go's time.Time marshals. */
  timestamp(): string {
    return goTime(this.date());
  }

  containerId(seed: string): string {
    if (this.epoch === undefined) return randomBytes(32).toString("hex");
    return createHash("sha256").update(`${seed}\n${this.seq++}`).digest("hex");
  }
}
